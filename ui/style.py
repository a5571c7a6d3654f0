"""Page styling for the chat and the desk (kept in Python so it ships with the package).

Gradio scopes `CSS` to the app's content; `HEAD` reaches the page frame around it.
"""

HEAD = """<style>
@media (max-width: 640px) {
  .gradio-container .main.app { padding-left: .5rem !important; padding-right: .5rem !important; }
}
</style>"""

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
.iw-quote { margin: .25rem 0 !important; padding: 0 0 0 .4rem !important; border-left: none !important;
            font-style: italic; overflow-wrap: anywhere; }
.iw-context summary, .iw-retrieved summary { cursor: pointer; font-size: .85em; }
.iw-context summary:focus-visible, .iw-retrieved summary:focus-visible, .iw-pdf:focus-visible {
    outline: 2px solid var(--color-accent, #f97316); outline-offset: 2px; }
.iw-passage { background: var(--background-fill-secondary); border-radius: 4px; padding: .4rem .6rem;
              margin-top: .3rem; font-size: .9em; line-height: 1.45; overflow-wrap: anywhere; }
.iw-passage mark { background: #fde68a; color: #111; padding: 0 .1em; }
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
