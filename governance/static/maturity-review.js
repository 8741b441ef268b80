// The maturity review form: shows the weighted score and the recommendation while the
// reviewer picks scores (the server computes the stored ones the same way).
(function () {
  "use strict";
  var form = document.getElementById("maturity-form");
  var out = document.getElementById("live-score");
  if (!form || !out) { return; }
  var weights = JSON.parse(form.dataset.weights || "{}");
  var threshold = parseFloat(form.dataset.threshold);

  function update() {
    var total = 0, weightSum = 0, missing = 0;
    Object.keys(weights).forEach(function (id) {
      var select = document.getElementById("score_" + id);
      var score = select ? parseInt(select.value, 10) : NaN;
      if (isNaN(score)) { missing += 1; return; }
      total += score * weights[id];
      weightSum += weights[id];
    });
    if (!weightSum) { out.textContent = "Pick a score to see the weighted score."; return; }
    var weighted = Math.round((total / weightSum) * 100) / 100;
    var verdict = missing ? missing + " criteria not scored yet"
      : (weighted >= threshold ? "recommended" : "not recommended");
    out.textContent = "Weighted score " + weighted.toFixed(2) + " of 5: " + verdict + ".";
  }

  form.addEventListener("change", update);
  update();
})();
