// Progressive enhancement: vote without reloading the page. Without JS the
// vote form posts normally and the page reloads; both go through the same view.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-vote]");
  if (!form) return;
  event.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    if (response.redirected && response.url.includes("/accounts/login")) {
      window.location = response.url;
      return;
    }
    if (!response.ok) {
      const message = await response.text();
      alert(message || "Your vote was not saved. Reload the page and try again.");
      return;
    }
    const holder = document.createElement("div");
    holder.innerHTML = await response.text();
    const fresh = holder.querySelector("form[data-vote]");
    if (fresh) form.replaceWith(fresh);
  } catch (error) {
    alert("Your vote was not saved: the network did not answer. Try again.");
  } finally {
    button.disabled = false;
  }
});

// A long thread hides its middle comments behind a link. A link to one of those
// (from a notification or an email) would land on a page without it: follow the
// link that shows them all, keeping the comment's anchor.
(() => {
  const gap = document.querySelector("[data-thread-gap] a");
  const id = window.location.hash.slice(1);
  if (!gap || !id.startsWith("comment-") || document.getElementById(id)) return;
  const url = new URL(gap.href);
  url.hash = id;
  window.location.replace(url);
})();
