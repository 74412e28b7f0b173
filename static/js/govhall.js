// The little behaviour the pages ask for by data attributes, so that no page needs an inline script or an
// event-handler attribute (the Content-Security-Policy allows scripts from this site only).
(function () {
  "use strict";

  // <button data-print>: print the page.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });

  // <select data-clears="id_…">: a new choice empties the field named (the note of a material's check result
  // explains that result, so it does not carry over to another one).
  document.addEventListener("change", function (event) {
    var field = event.target;
    var target = field.matches && field.matches("select[data-clears]")
      ? document.getElementById(field.getAttribute("data-clears"))
      : null;
    if (target) {
      target.value = "";
    }
  });

  // <details class="navgroup">: the staff menu's groups close when the user clicks anywhere else.
  document.addEventListener("click", function (event) {
    var inside = event.target.closest ? event.target.closest("details.navgroup") : null;
    document.querySelectorAll("details.navgroup[open]").forEach(function (group) {
      if (group !== inside) {
        group.removeAttribute("open");
      }
    });
  });

  // <body data-idle-home="/…/kiosk/" data-idle-seconds="120">: the hall's kiosk goes back to its home page
  // after a while without a touch, so the next person does not find the last one's screen.
  function kioskIdle() {
    var body = document.body;
    var home = body && body.getAttribute("data-idle-home");
    if (!home) {
      return;
    }
    var idleMs = (parseInt(body.getAttribute("data-idle-seconds"), 10) || 120) * 1000;
    var timer;
    function reset() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (location.pathname === home) {
          location.reload();
        } else {
          location.href = home;
        }
      }, idleMs);
    }
    ["pointerdown", "touchstart", "keydown", "scroll"].forEach(function (name) {
      window.addEventListener(name, reset, { passive: true });
    });
    reset();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", kioskIdle);
  } else {
    kioskIdle();
  }
})();
