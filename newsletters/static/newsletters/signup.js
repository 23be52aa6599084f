// Sign-up boxes answer in place: the form is posted with fetch and the server's message
// is shown in the box's live region. Without this script the form posts and the browser
// shows the result page, so the script adds comfort, not function.
(function () {
  "use strict";
  var FALLBACK = "Sorry, something went wrong on our side. Please try again in a minute.";
  var OFFLINE = "We could not reach the server. Check your connection and try again.";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-signup]") || !window.fetch) return;
    event.preventDefault();
    var region = form.querySelector("[data-signup-message]");
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    region.textContent = "";
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(
          function (data) { return { ok: response.ok, message: data.message || FALLBACK }; },
          function () { return { ok: false, message: FALLBACK }; }
        );
      }, function () { return { ok: false, message: OFFLINE }; })
      .then(function (answer) {
        region.textContent = answer.message;
        region.classList.toggle("error", !answer.ok);
        region.classList.toggle("success", answer.ok);
        if (answer.ok) form.elements.email.value = "";
        else form.elements.email.focus();
        button.disabled = false;
      });
  });
})();
