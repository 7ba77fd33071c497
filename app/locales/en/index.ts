import auth from "./auth";
import catalog from "./catalog";
import common from "./common";
import events from "./events";
import home from "./home";
import importing from "./import";
import org from "./org";
import search from "./search";
import validation from "./validation";

export default { common, validation, auth, home, org, catalog, search, import: importing, events };
