// vorlagengen Vorschau: reload the changing part of the page when the server reports a change of
// this file (Server-Sent Events); the switch chooses the internal or the public face.
"use strict";
const haupt = document.getElementById("vorschau");
const schalter = document.getElementById("oeffentlich");
const meldung = document.getElementById("meldung");
let quelle = null;
let verbunden = false;  // this page's connection stood once
let anfrage = 0;

function fassung() { return schalter && schalter.checked ? "oeffentlich" : "intern"; }

async function laden() {
  const nummer = ++anfrage;
  const antwort = await fetch("/teil/" + haupt.dataset.ziel + "?fassung=" + fassung(), {cache: "no-store"});
  if (!antwort.ok || nummer !== anfrage) return;
  const vorlage = document.createElement("template");
  vorlage.innerHTML = await antwort.text();
  // the first page is loaded before the swap, so the page never shows an empty frame
  const bilder = [...vorlage.content.querySelectorAll("img")].slice(0, 1).map(alt => {
    const bild = new Image(); bild.src = alt.getAttribute("src"); return bild.decode().catch(() => null);
  });
  await Promise.all(bilder);
  if (nummer !== anfrage) return;
  haupt.replaceChildren(...vorlage.content.childNodes);
  zeigen();
}

function zeigen() {
  const teil = haupt && haupt.querySelector(".teil");
  // a live region: only a new state is announced again
  if (meldung && teil && meldung.textContent !== teil.dataset.meldung) meldung.textContent = teil.dataset.meldung;
}

function verbinden() {
  quelle = new EventSource("/ereignisse");
  quelle.onmessage = ereignis => {
    const nachricht = JSON.parse(ereignis.data);
    if (!haupt) location.reload();
    else if (nachricht.ziel === haupt.dataset.ziel) {
      const bild = nachricht.bilder[fassung()];
      if (bild) new Image().src = bild;  // already on its way while the new part is asked for
      laden();
    }
  };
  quelle.onerror = () => { if (meldung) meldung.textContent = "Verbindung zur Vorschau unterbrochen – läuft „vorlagengen vorschau“ noch?"; };
  // Whatever changed before this connection stood (the page was still loading, or the connection was
  // lost a while) was told to nobody: on every (re)connection the page asks for the current state.
  quelle.onopen = () => {
    if (haupt) laden();
    else if (verbunden) location.reload();
    verbunden = true;
  };
}

// A hidden tab gives its connection back (a browser allows only a few per server) and catches up when shown.
document.addEventListener("visibilitychange", () => {
  if (document.hidden) { if (quelle) quelle.close(); quelle = null; }
  else if (!quelle) { verbinden(); if (haupt) laden(); }  // now, and again once connected
});
if (schalter) schalter.addEventListener("change", () => {
  history.replaceState(null, "", "?fassung=" + fassung());
  laden();
});
if (!document.hidden) verbinden();
zeigen();
