// The same quick start over realm-web 2.0.1 (which has no listeners: `addListener` throws "Not yet implemented").
import { App, Credentials } from "realm-web";

const app = new App({ id: "my-app-id" });
const user = app.currentUser ?? (await app.logIn(Credentials.anonymous()));
console.log(await user.functions.sum!(1, 2));
