// `pnpm browser`: bundles the page, prints the bundle's size, and serves it on 127.0.0.1
// (open the printed address; Ctrl-C stops the server).
import { bytes } from "../lib/format.js";
import { buildPage } from "./build.js";
import { servePage } from "./serve.js";

const page = await buildPage();
console.log(`bundle.js: ${bytes(page.bytes)} minified (${page.dir})`);
const server = await servePage(page.dir, Number(process.env.PORT ?? 8080));
console.log(`open ${server.url} — the page trains the digits MLP and draws its curves`);
