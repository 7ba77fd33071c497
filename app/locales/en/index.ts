import auth from "./auth";
import common from "./common";
import home from "./home";
import org from "./org";
import validation from "./validation";

export default { common, validation, auth, home, org };
