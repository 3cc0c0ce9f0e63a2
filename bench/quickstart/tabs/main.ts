// The README's quick start, over realm-tabs (measured by bench/size/quickstart.ts; never run). It
// imports the package by its name, as an app that installed it does: Vite resolves that to the
// built package (dist/, as `npm pack` ships it; `npm run build:lib` writes it), TypeScript to the
// sources (the `paths` of tsconfig.json).
import { App, Credentials } from "realm-tabs";

const app = new App({ id: "my-app-id" });
const user = app.currentUser ?? (await app.logIn(Credentials.anonymous()));
console.log(await user.functions.sum!(1, 2));
user.addListener(() => console.log("user changed:", user.state));
app.addListener(() => console.log("current user:", app.currentUser?.id ?? "none"));
