// Progressive enhancement of the new-post form: while the title is typed, show up to
// five similar posts to vote on instead. Without JS the form posts as usual, and the
// server shows the same hint when the page is rendered with a title.
(() => {
  const box = document.getElementById("similar-posts");
  const title = document.querySelector("form input[name=title]");
  if (!box || !title) return;
  let timer = null;
  let last = "";
  const render = (items) => {
    box.replaceChildren();
    if (!items.length) return;
    const help = document.createElement("p");
    help.className = "help";
    help.textContent = "These look alike. If one of them is what you mean, vote for it instead:";
    const list = document.createElement("ul");
    for (const item of items) {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.title;
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = ` ${item.vote_count} vote${item.vote_count === 1 ? "" : "s"}`;
      li.append(link, meta);
      list.append(li);
    }
    box.append(help, list);
  };
  const look = async () => {
    const text = title.value.trim();
    if (text === last) return;
    last = text;
    if (text.length < 4) { render([]); return; }
    try {
      const url = `${box.dataset.similarUrl}?title=${encodeURIComponent(text.slice(0, 300))}`;
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok || text !== last) return;
      render((await response.json()).items);
    } catch (error) {
      // Suggestions are a help, not a step: if the network fails the form still works.
    }
  };
  title.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(look, 250);
  });
})();
