// Keeps a Sends page's numbers current while a send runs: polls the progress endpoint
// every two seconds and reloads the page when a send's status changes (so the buttons
// match). Without JavaScript the page shows the numbers as of its loading.
(function () {
  const ACTIVE = new Set(["queued", "sending", "waiting"]);
  const root = document.querySelector("[data-progress-url]");
  if (!root) return;
  const url = root.dataset.progressUrl;

  function activeIds() {
    return Array.from(document.querySelectorAll("[data-send-progress]"))
      .filter((element) => ACTIVE.has(element.dataset.status))
      .map((element) => element.dataset.sendProgress);
  }

  async function refresh() {
    const ids = activeIds();
    if (!ids.length) return;
    try {
      const query = ids.map((id) => "id=" + encodeURIComponent(id)).join("&");
      const response = await fetch(url + "?" + query, {
        headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
      });
      if (response.ok) {
        for (const send of (await response.json()).sends) {
          const element = document.querySelector('[data-send-progress="' + send.id + '"]');
          if (send.status !== element.dataset.status) {
            window.location.reload();
            return;
          }
          element.querySelectorAll("[data-field]").forEach((field) => {
            field.textContent = send[field.dataset.field];
          });
          const bar = element.querySelector("progress");
          if (bar) bar.value = send.done_percent;
        }
      }
    } catch (error) {
      // A dropped request: try again on the next tick.
    }
    window.setTimeout(refresh, 2000);
  }

  window.setTimeout(refresh, 2000);
})();
