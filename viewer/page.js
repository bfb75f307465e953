// @ts-check
// The browser pages: one HTML shell and one script (vanilla JS, no framework) that read the JSON API.
export const PAGE_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>tracegate traces</title></head>
<body><main id="app">tracegate</main><script src="/app.js"></script></body></html>`;
export const PAGE_SCRIPT = `document.getElementById("app").textContent = "tracegate traces";`;
