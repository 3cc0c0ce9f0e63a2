/** realm-tabs benchmark page with the library's own SharedWorker. */
import { startTabsBench } from "./bench.js";

startTabsBench();
