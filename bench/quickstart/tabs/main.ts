// The README's quick start, over realm-tabs (measured by bench/size/quickstart.ts; never run).
import { App, Credentials } from "../../../src/index.js";

const app = new App({ id: "my-app-id" });
const user = app.currentUser ?? (await app.logIn(Credentials.anonymous()));
console.log(await user.functions.sum!(1, 2));
user.addListener(() => console.log("user changed:", user.state));
app.addListener(() => console.log("current user:", app.currentUser?.id ?? "none"));
