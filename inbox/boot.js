import init from "./safe-contact-inbox.js";
init();
