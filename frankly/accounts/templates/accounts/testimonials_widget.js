// Frankly testimonials: <script src=".../testimonials/widget.js" async></script>
// Puts an iframe with the quotes customers agreed to show where the script tag is
// (or into the element with id "frankly-testimonials"). The iframe is never cached,
// so a revoked quote disappears on the next page load.
(function () {
  var script = document.currentScript;
  function show() {
    var frame = document.createElement("iframe");
    frame.src = "{{ embed_url|escapejs }}";
    frame.title = "What customers say";
    frame.style.cssText = "border:0;width:100%;min-height:240px";
    var host = document.getElementById("frankly-testimonials");
    if (host) { host.appendChild(frame); } else if (script && script.parentNode) { script.parentNode.insertBefore(frame, script); } else { document.body.appendChild(frame); }
  }
  if (document.body) { show(); } else { document.addEventListener("DOMContentLoaded", show); }
})();
