// Pagefind's search UI with the filters Gremium, Art and Jahr; ?q= from the start page's form.
window.addEventListener("DOMContentLoaded", function () {
  var ui = new PagefindUI({ element: "#suche", showSubResults: true, showImages: false,
                            translations: { placeholder: "Suchbegriff, z. B. Spielplatz" } });
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) { ui.triggerSearch(q); }
});
