// Follows a running scan: polls its status and updates the progress bar; reloads when done.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-scan-status-url]");
  if (!box) return;
  const url = box.dataset.scanStatusUrl;
  const bar = box.querySelector(".scan-progress");
  const count = box.querySelector(".scan-count");
  const phase = box.querySelector(".scan-phase");
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const s = await response.json();
        if (s.state === "succeeded" || s.state === "failed") {
          window.location.reload();
          return;
        }
        bar.value = s.percent;
        bar.textContent = `${s.percent}%`;
        count.textContent = `${s.files_done} of ${s.files_total || "?"} files`;
        const name = s.phase || s.state;
        phase.textContent = name.charAt(0).toUpperCase() + name.slice(1);
      }
    } catch (error) {
      // A dropped request is retried on the next tick.
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
});
