import admin from "./admin";
import auth from "./auth";
import catalog from "./catalog";
import common from "./common";
import events from "./events";
import home from "./home";
import importing from "./import";
import kpi from "./kpi";
import match from "./match";
import org from "./org";
import pipeline from "./pipeline";
import schedule from "./schedule";
import search from "./search";
import validation from "./validation";

export default { common, validation, auth, home, org, catalog, search, import: importing, events, pipeline, match, kpi, admin, schedule };
