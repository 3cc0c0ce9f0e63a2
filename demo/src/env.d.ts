/// <reference types="vite/client" />
/** Server URL baked in by demo/vite.config.ts (`define`). */
declare const __REALM_TABS_SERVER__: string;
/** App id baked in by demo/vite.config.ts (`define`). */
declare const __REALM_TABS_APP_ID__: string;
