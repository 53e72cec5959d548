// The search worker the site gives mkdocs-material (the `config` block of scripts/site/theme/main.html names it, with
// Material's own worker as its `material` parameter). Material's worker builds the index of the whole site as soon
// as a page loads, and so does every page view, though few readers search: Material waits for a first search only
// on file:// pages. This worker loads Material's, keeps the index the page sends, says at once that search is ready,
// and hands the index to Material's worker when the reader first asks for something.
const READY = 1, QUERY = 2, RESULT = 3;  // Material's SearchMessageType (SETUP is 0)
const listen = self.addEventListener.bind(self);
const post = self.postMessage.bind(self);
const handlers = [];  // Material's message handler
let setup = null;  // the SETUP message, unread until the index is built
let building = null;  // settles once Material's worker has built the index
let built = () => {};

self.addEventListener = (type, handler, ...rest) =>
  type === "message" ? handlers.push(handler) : listen(type, handler, ...rest);
self.postMessage = message => (message && message.type === READY ? built() : post(message));
importScripts(new URL(location).searchParams.get("material"));

function index() {
  building = building || new Promise(resolve => {
    built = resolve;
    handlers.forEach(handle => handle(setup));
  });
  return building;
}

listen("message", event => {
  if (!setup) {  // SETUP, the page's first message (it sends queries once told READY): its data, the index of
    setup = event;  // the whole site, is copied into this worker only when read, so it is left unread here
    post({ type: READY });
    return;
  }
  const { type, data } = event.data;
  if (type === QUERY && !building && !data.trim()) {
    post({ type: RESULT, data: { items: [] } });  // Material's answer to the empty query each page sends as it opens
  } else {
    index().then(() => handlers.forEach(handle => handle(event)));
  }
});
