// Values are plain strings (no `as const`): keys are type-checked, interpolation is not.
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

// One i18next namespace ("translation") made of sections: keys read "auth.login.title".
// To add a section: create ./<section>.ts here and in ../en/, then list it in both index files.
export default { common, validation, auth, home, org, catalog, search, import: importing, events, pipeline, match, kpi, admin, schedule };
