/*! Frankly feedback widget. Docs: docs/widget.md
 * <script src="https://feedback.example.com/widget.js" data-frankly-sso-token="JWT" defer></script>
 * or Frankly.identify(tokenOrFunctionReturningTokenOrPromise) for a fresh SSO JWT.
 * No inline styles or HTML: it styles through element.style (CSSOM), which a strict
 * CSP allows, and the panel is an iframe from Frankly's origin. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || (window.Frankly && window.Frankly.version)) return;
  var src = new URL(script.src, document.baseURI);
  var origin = src.origin;
  var panelUrl = src.href.replace(/widget\.js(\?.*)?$/, "widget/panel/");
  var ssoToken = script.getAttribute("data-frankly-sso-token") || null;
  var label = script.getAttribute("data-frankly-label") || "Feedback";
  var button, box, frame;
  var isOpen = false;

  function css(el, styles) {
    for (var name in styles) el.style.setProperty(name, styles[name]);
    return el;
  }

  function sendHello() {
    if (!frame || !frame.contentWindow) return;
    var token = ssoToken;
    // A token is single-use (the exchange spends its jti); a function can make fresh ones.
    if (typeof token !== "function") ssoToken = null;
    Promise.resolve(typeof token === "function" ? token() : token).then(function (value) {
      frame.contentWindow.postMessage(
        { type: "frankly:hello", ssoToken: typeof value === "string" ? value : null },
        origin // only Frankly's panel can receive the token
      );
    });
  }

  function build() {
    box = css(document.createElement("div"), {
      position: "fixed", right: "16px", bottom: "72px", width: "380px",
      "max-width": "calc(100vw - 32px)", height: "560px", "max-height": "calc(100vh - 96px)",
      "z-index": "2147483646", "box-shadow": "0 6px 24px rgba(0,0,0,.25)",
      "border-radius": "8px", overflow: "hidden", background: "#fff", display: "none"
    });
    box.id = "frankly-widget-panel";
    frame = css(document.createElement("iframe"), {
      width: "100%", height: "100%", border: "0", display: "block"
    });
    frame.title = label;
    frame.src = panelUrl;
    frame.referrerPolicy = "strict-origin";
    box.appendChild(frame);
    document.body.appendChild(box);
  }

  function open() {
    if (!box) build();
    isOpen = true;
    box.style.display = "block";
    button.setAttribute("aria-expanded", "true");
    frame.focus();
  }

  function close() {
    if (!box) return;
    isOpen = false;
    box.style.display = "none";
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }

  window.addEventListener("message", function (event) {
    if (!frame || event.origin !== origin || event.source !== frame.contentWindow) return;
    var type = event.data && event.data.type;
    if (type === "frankly:ready") sendHello();
    if (type === "frankly:close") close();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && isOpen) close();
  });

  function mount() {
    button = css(document.createElement("button"), {
      position: "fixed", right: "16px", bottom: "16px", "z-index": "2147483647",
      padding: "10px 16px", font: "600 15px system-ui, sans-serif", color: "#fff",
      background: "#2355d8", border: "0", "border-radius": "20px", cursor: "pointer",
      "box-shadow": "0 2px 8px rgba(0,0,0,.25)"
    });
    button.type = "button";
    button.textContent = label;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "frankly-widget-panel");
    button.setAttribute("data-frankly-button", "");
    button.addEventListener("click", function () {
      if (isOpen) close();
      else open();
    });
    document.body.appendChild(button);
  }

  window.Frankly = {
    version: 1,
    open: function () { if (button) open(); },
    close: close,
    // A fresh SSO JWT (or a function returning one, or a promise of one) for the panel.
    identify: function (token) {
      ssoToken = token;
      if (frame) frame.src = panelUrl; // reload: the panel says "ready" and gets it
    }
  };

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
