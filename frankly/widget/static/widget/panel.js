// The feedback panel, framed by widget.js on the company's site.
// The widget token lives in this closure only: never in storage, cookies or URLs.
(function () {
  "use strict";
  var root = document.querySelector("[data-widget-panel]");
  if (!root) return;
  var origins = (root.getAttribute("data-origins") || "").split(" ").filter(Boolean);
  var api = root.getAttribute("data-api");
  var form = root.querySelector("[data-new-post]");
  var title = form.querySelector("#widget-title");
  var body = form.querySelector("#widget-body");
  var message = root.querySelector("[data-message]");
  var similar = root.querySelector("[data-similar]");
  var similarList = root.querySelector("[data-similar-list]");
  var topList = root.querySelector("[data-top]");
  var whoText = root.querySelector("[data-who-text]");
  var signin = root.querySelector("[data-signin]");
  var token = null;
  var parentOrigin = null;
  var typing = null;
  var topRequests = 0;
  // Every sentence comes from the page, in the visitor's language (views.panel_messages).
  var text = JSON.parse(document.getElementById("widget-messages").textContent);

  function t(key, values) {
    return text[key].replace(/%\((\w+)\)s/g, function (_, name) {
      return String(values[name]);
    });
  }

  function say(text) {
    message.textContent = text;
  }

  function request(method, path, data) {
    var headers = { Accept: "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    var init = { method: method, headers: headers, credentials: "omit" };
    if (data !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(data);
    }
    return fetch(api + path, init).then(function (response) {
      if (response.status === 401 && token) {
        token = null; // expired: say so rather than act anonymously without a word
        whoText.textContent = text.expired;
      }
      return response.json().then(
        function (json) {
          return { ok: response.ok, status: response.status, json: json };
        },
        function () {
          return { ok: false, status: response.status, json: {} };
        }
      );
    }, function () {
      var detail = text.unreachable;
      return { ok: false, status: 0, json: { detail: detail } };
    });
  }

  function signedIn(name) {
    whoText.textContent = t("signed_in_as", { name: name });
    signin.hidden = true;
    root.querySelector("[data-signin-note]").hidden = true;
    loadTop();
  }

  function askToSignIn(text) {
    say(text + " Use “Sign in to post and vote” above: it opens the feedback board in a new tab.");
    signin.focus();
  }

  function exchange(ssoToken) {
    whoText.textContent = text.signing_in;
    request("POST", "widget/session", { sso_token: ssoToken }).then(function (r) {
      if (r.ok) {
        token = r.json.token;
        signedIn(r.json.user.name);
      } else {
        whoText.textContent = t("sign_in_failed", { reason: r.json.detail || r.status });
      }
    });
  }

  function voteButton(post) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "panel-vote";
    button.setAttribute("aria-pressed", post.has_voted ? "true" : "false");
    button.setAttribute("data-vote", String(post.id));
    var count = document.createElement("span");
    count.setAttribute("data-vote-count", "");
    count.textContent = String(post.vote_count);
    button.appendChild(document.createTextNode("▲ "));
    button.appendChild(count);
    var label = document.createElement("span");
    label.className = "panel-hidden";
    label.textContent = " " + t("vote_for", { title: post.title });
    button.appendChild(label);
    return button;
  }

  function item(post) {
    var li = document.createElement("li");
    li.appendChild(voteButton(post));
    var link = document.createElement("a");
    link.href = post.url;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = post.title;
    li.appendChild(link);
    return li;
  }

  function fill(list, posts) {
    list.replaceChildren.apply(list, posts.map(item));
  }

  function loadTop() {
    var mine = ++topRequests;
    request("GET", "posts?sort=top&limit=8").then(function (r) {
      // An older answer (say, from before signing in) must not overwrite a newer one.
      if (r.ok && mine === topRequests) fill(topList, r.json.items.filter(function (p) { return p.title; }));
    });
  }

  function vote(button) {
    if (!token) return askToSignIn(text.sign_in_to_vote);
    var voted = button.getAttribute("aria-pressed") === "true";
    var id = button.getAttribute("data-vote");
    button.disabled = true;
    request(voted ? "DELETE" : "POST", "posts/" + id + "/vote").then(function (r) {
      button.disabled = false;
      if (!r.ok) return say(r.json.detail || text.vote_failed);
      root.querySelectorAll('[data-vote="' + id + '"]').forEach(function (b) {
        b.setAttribute("aria-pressed", r.json.has_voted ? "true" : "false");
        b.querySelector("[data-vote-count]").textContent = String(r.json.vote_count);
      });
      say(r.json.has_voted ? text.vote_counted : text.vote_withdrawn);
    });
  }

  function lookUpSimilar() {
    var text = title.value.trim();
    if (text.length < 3) {
      similar.hidden = true;
      return;
    }
    request("GET", "posts/similar?title=" + encodeURIComponent(text.slice(0, 300))).then(
      function (r) {
        if (!r.ok || text !== title.value.trim()) return;
        fill(similarList, r.json.items);
        similar.hidden = r.json.items.length === 0;
      }
    );
  }

  title.addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(lookUpSimilar, 250);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!token) return askToSignIn(text.sign_in_to_post);
    if (!title.value.trim()) {
      say(text.title_empty);
      return title.focus();
    }
    var kind = form.querySelector("input[name=kind]:checked").value;
    var submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    request("POST", "posts", { kind: kind, title: title.value, body: body.value }).then(
      function (r) {
        submit.disabled = false;
        if (!r.ok) return say(r.json.detail || text.post_failed);
        form.reset();
        similar.hidden = true;
        message.replaceChildren(document.createTextNode(text.posted + " "));
        var link = document.createElement("a");
        link.href = r.json.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = text.see_post;
        message.appendChild(link);
        loadTop();
      }
    );
  });

  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-vote]");
    if (button) vote(button);
    if (event.target.closest("[data-close]") && parentOrigin) {
      window.parent.postMessage({ type: "frankly:close" }, parentOrigin);
    }
  });

  window.addEventListener("message", function (event) {
    var data = event.data || {};
    // Only the company's page that frames this panel, from an origin in the setting.
    if (event.source !== window.parent || origins.indexOf(event.origin) === -1) return;
    if (data.type === "frankly:hello") {
      parentOrigin = event.origin;
      if (typeof data.ssoToken === "string" && data.ssoToken) exchange(data.ssoToken);
    }
  });

  loadTop();
  // Nothing secret in this message, so any parent may hear that the panel is ready.
  if (window.parent !== window) window.parent.postMessage({ type: "frankly:ready" }, "*");
})();
