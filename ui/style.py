"""Page styling for the chat and the desk (kept in Python so it ships with the package).

Gradio scopes `CSS` to the app's content; `HEAD` reaches the page frame around it.
"""

HEAD = """<style>
@media (max-width: 640px) {
  .gradio-container .main.app { padding-left: .5rem !important; padding-right: .5rem !important; }
}
</style>
<script>
// The newest answer starts at the top of the answer area: when a new bot message appears, the
// chat (only the chat, not the page) is scrolled so that its first line is at the top, and kept
// there while the answer streams in and grows, until the reader scrolls or types.
(() => {
  let seen = 0, pinned = null;
  const scrollable = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (/(auto|scroll)/.test(getComputedStyle(p).overflowY) && p.scrollHeight > p.clientHeight) return p;
    }
    return null;
  };
  const pin = () => {
    if (!pinned || !pinned.isConnected) return;
    const box = scrollable(pinned);
    if (box) box.scrollTop += pinned.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
  };
  const check = () => {
    const chat = document.getElementById("iw-chatbot");
    if (!chat) return;
    const bots = chat.querySelectorAll('[data-testid="bot"]');
    if (bots.length > seen) {
      const last = bots[bots.length - 1];
      pinned = last.closest(".message-row") || last;
    }
    seen = bots.length;
    pin();
  };
  const release = () => { pinned = null; };
  new MutationObserver(check).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  for (const type of ["wheel", "touchstart", "keydown", "mousedown"]) {
    document.addEventListener(type, (e) => {
      if (type === "keydown" && e.target && e.target.closest && e.target.closest("#iw-question")) return;  // asking re-pins
      release();
    }, { passive: true, capture: true });
  }
})();
</script>"""

CSS = """
.gradio-container { max-width: 1100px !important; margin: 0 auto; }
#iw-header p { margin-top: 0; color: var(--body-text-color-subdued); }
.iw-status:empty { display: none; }
.iw-notice { background: #fff4e5; color: #5c3b00; border: 1px solid #f0b45a; border-radius: 6px;
             padding: .4rem .6rem; margin: .25rem 0 .5rem; }
.iw-sources { margin-top: .75rem; border-top: 1px solid var(--border-color-primary); padding-top: .4rem; }
.iw-sources-title { font-weight: 600; margin: .2rem 0 .3rem; }
.iw-related { border-top-style: dashed; }
.iw-related .iw-intro { font-size: .9em; color: var(--body-text-color-subdued); margin: 0 0 .3rem; }
.iw-cite { border-left: 3px solid var(--color-accent, #f97316); padding: .2rem .6rem; margin: .45rem 0; }
.iw-related .iw-cite { border-left-color: var(--border-color-primary); }
.iw-cite-head { font-size: .9em; line-height: 1.4; overflow-wrap: anywhere; }
.iw-n { font-weight: 700; }
.iw-section { font-style: italic; }
.iw-badge { background: #b91c1c; color: #fff; border-radius: 3px; padding: 0 .3em; font-size: .8em; }
.iw-cited-badge { background: #15803d; }
.iw-file-done { color: #15803d; font-weight: 600; }
.iw-file-failed { color: #b91c1c; font-weight: 600; }
.iw-quote { margin: .25rem 0 !important; padding: 0 0 0 .4rem !important; border-left: none !important;
            font-style: italic; overflow-wrap: anywhere; }
.iw-context summary, .iw-retrieved summary { cursor: pointer; font-size: .85em; }
.iw-context summary:focus-visible, .iw-retrieved summary:focus-visible, .iw-pdf:focus-visible {
    outline: 2px solid var(--color-accent, #f97316); outline-offset: 2px; }
.iw-passage { background: var(--background-fill-secondary); border-radius: 4px; padding: .4rem .6rem;
              margin-top: .3rem; font-size: .9em; line-height: 1.45; overflow-wrap: anywhere; }
.iw-passage mark { background: #fde68a; color: #111; padding: 0 .1em; }
.iw-icon { display: inline-block; vertical-align: -0.125em; }
.iw-page summary { cursor: pointer; font-size: .85em; }
.iw-page summary:focus-visible { outline: 2px solid var(--color-accent, #f97316); outline-offset: 2px; }
.iw-page-imgs { display: flex; flex-direction: column; gap: .5rem; margin-top: .3rem; }
#iw-chatbot .iw-page-img, .iw-page-img { display: block; width: 100% !important; max-width: 900px !important; height: auto !important;
               max-height: none !important; border: 1px solid var(--border-color-primary); border-radius: 4px; background: #fff; }
.iw-building { background: var(--background-fill-secondary); border-radius: 6px; padding: .4rem .6rem; }
.iw-spinner { display: inline-block; width: .9em; height: .9em; border: 2px solid currentColor; border-right-color: transparent;
              border-radius: 50%; vertical-align: -0.1em; animation: iw-spin 1s linear infinite; }
@keyframes iw-spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { .iw-spinner { animation: none; } }
#iw-up::before, #iw-down::before { content: ""; display: inline-block; width: 1em; height: 1em; margin-right: .35em;
    vertical-align: -0.15em; background: currentColor; -webkit-mask: var(--iw-thumb) center / contain no-repeat;
    mask: var(--iw-thumb) center / contain no-repeat; }
#iw-up { --iw-thumb: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Cpath d='M1 7h3v8H1zM5 7l3-6c1.2 0 2 .8 2 2v3h4c1 0 1.6.9 1.4 1.8l-1.3 6c-.2.7-.8 1.2-1.5 1.2H5z'/%3E%3C/svg%3E"); }
#iw-down { --iw-thumb: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Cpath d='M1 1h3v8H1zM5 9l3 6c1.2 0 2-.8 2-2v-3h4c1 0 1.6-.9 1.4-1.8l-1.3-6C13.9 1.5 13.3 1 12.6 1H5z'/%3E%3C/svg%3E"); }
.iw-doc { font-size: .75em; color: var(--body-text-color-subdued); margin-top: .2rem; overflow-wrap: anywhere; }
.iw-debug-table th { text-align: left; padding-right: .6rem; vertical-align: top; }
.iw-timings { margin: 0; padding-left: 1rem; }
.iw-job progress { width: 100%; }
.iw-examples-label { flex: 0 0 auto !important; min-width: 0 !important; }
.iw-example { white-space: normal !important; text-align: left !important; }
@media (max-width: 640px) {
  #iw-header h1 { font-size: 1.4rem; }
  #iw-header p { font-size: .9rem; }
  .iw-example { flex: 1 1 100% !important; }
  #iw-feedback-row > * { flex: 1 1 45% !important; }
}
"""
