/**
 * The explorer's page script (served by gateway/explorer/index.ts, no inline script):
 * GraphiQL on /graphql with the token pasted into the bar above it. The token lives in
 * this page's memory only, and so does everything GraphiQL would keep (tabs, queries,
 * history, answers), which could hold personal data: nothing in localStorage,
 * sessionStorage or cookies; closing the tab forgets it all.
 */
/* global window, document, fetch, React, ReactDOM, GraphiQL */
"use strict";

(function explorer() {
  var ENDPOINT = "/graphql";
  var DEFAULT_QUERY =
    "# Paste a token that `npm start` printed into the bar above, then run a query.\n" +
    "# The Docs pane (book icon) says who may see each field.\n\n" +
    "query Me {\n  me {\n    role\n    org\n  }\n}\n";

  // GraphiQL's Storage interface over a Map: its default is localStorage.
  var memory = new Map();
  var storage = {
    getItem: function (key) {
      return memory.has(key) ? memory.get(key) : null;
    },
    setItem: function (key, value) {
      memory.set(key, String(value));
    },
    removeItem: function (key) {
      memory.delete(key);
    },
    clear: function () {
      memory.clear();
    },
    get length() {
      return memory.size;
    },
  };

  function answerOf(response) {
    return response.text().then(function (text) {
      try {
        return JSON.parse(text);
      } catch {
        return { errors: [{ message: "HTTP " + response.status + ": the hub answered something that is not JSON" }] };
      }
    });
  }

  // A new fetcher per token: GraphiQL introspects again when its fetcher changes.
  function fetcherFor(token) {
    return function fetcher(params) {
      if (!token) return Promise.resolve({ errors: [{ message: "Paste a bearer token into the bar above first." }] });
      return fetch(ENDPOINT, {
        method: "POST",
        credentials: "omit",
        cache: "no-store",
        headers: { "content-type": "application/json", accept: "application/json", authorization: "Bearer " + token },
        body: JSON.stringify(params),
      }).then(answerOf);
    };
  }

  var root = ReactDOM.createRoot(document.getElementById("hub-explorer-graphiql"));
  function render(token) {
    root.render(
      React.createElement(GraphiQL, {
        fetcher: fetcherFor(token),
        storage: storage,
        shouldPersistHeaders: false,
        // The token bar is the one place a credential goes; no second one to keep or leak.
        isHeadersEditorEnabled: false,
        defaultQuery: DEFAULT_QUERY,
        defaultEditorToolsVisibility: false,
      }),
    );
  }

  var input = document.getElementById("hub-explorer-token");
  var pending = null;
  input.addEventListener("input", function () {
    // Typed by hand, one introspection when the typing stops, not one per key.
    if (pending !== null) window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      pending = null;
      render(input.value.trim().replace(/^Bearer\s+/i, ""));
    }, 250);
  });
  render("");
})();
