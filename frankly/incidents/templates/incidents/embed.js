// Frankly status widget: <script src=".../status/embed.js" async></script>
// Shows a small link with the current status in the corner of the host page.
(function () {
  var data = {{ summary_json|safe }};
  var colours = {operational: "#1e7a3a", degraded_performance: "#b7791f", partial_outage: "#c05621", major_outage: "#b3261e", under_maintenance: "#1f5fbf"};
  function show() {
    var link = document.createElement("a");
    link.href = data.url; link.target = "_blank"; link.rel = "noopener";
    link.setAttribute("data-frankly-status", data.status);
    link.textContent = data.text;
    link.style.cssText = "position:fixed;bottom:12px;right:12px;z-index:2147483647;padding:6px 10px;border-radius:6px;font:13px system-ui,sans-serif;text-decoration:none;color:#fff;background:" + (colours[data.status] || "#333");
    document.body.appendChild(link);
  }
  if (document.body) { show(); } else { document.addEventListener("DOMContentLoaded", show); }
})();
