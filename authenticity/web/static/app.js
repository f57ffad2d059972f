/* authenticity: the page. Plain JavaScript, no libraries, nothing loaded from elsewhere.
   Every piece of user text is put into the page with textContent, never as HTML. */
"use strict";

const I18N = {
  en: {
    tagline: "Does it read like a real experience, or like ad copy?",
    tab_check: "Check a draft", tab_audit: "Audit a campaign", api_docs: "API",
    draft_label: "Draft", draft_placeholder: "Paste the post as you would publish it",
    brief_toggle: "Brief (optional): see what the draft copied from it",
    brief_placeholder: "Paste the brief (text or Markdown)",
    check_button: "Check", check_hint: "Ctrl+Enter", checking: "Checking…",
    h_draft: "The draft, marked", lg_sentence: "sentence that reads scripted", lg_scripted: "toward scripted",
    lg_authentic: "toward authentic", lg_copied: "copied from the brief", lg_law: "advertising-law term",
    h_scripted: "Why it reads scripted", h_authentic: "Why it reads authentic",
    h_copied: "Copied from the brief", h_law: "Advertising-law terms", h_disclosure: "Disclosure",
    h_suggestions: "Suggestions",
    verdict_scripted: "Reads like scripted ad copy", verdict_authentic: "Reads like a real experience",
    score: "p_scripted", threshold: "threshold",
    none_reasons: "nothing notable", no_brief: "No brief given: paste the brief above to see what the draft copies from it.",
    copied_share: (p) => `${p} of the draft is copied from the brief.`, nothing_copied: "Nothing copied.",
    expected: "Expected, not counted as copying:", no_law: "None found.",
    col_term: "term", col_severity: "severity", col_category: "category", col_suggestion: "suggested rewording",
    sev: { high: "high", medium: "medium", low: "low" },
    disclosure_ok: "OK", disclosure_needed: "Add a disclosure", labels_found: "Disclosure labels found:",
    weak_found: "Weak labels (not enough on their own):", no_suggestions: "Nothing to change.",
    posts_label: "Posts file (CSV, Excel, JSON Lines, Parquet)",
    audit_brief_label: "Brief: paste it, or choose a file",
    columns_toggle: "Columns (optional; found by name otherwise)", text_col: "text column",
    creator_col: "creator column", audit_button: "Audit", auditing: "Auditing…", download: "Download the report",
    audit_done: "Done.", need_posts: "Choose the posts file.", need_brief: "Paste the brief or choose a brief file.",
    both_brief: "Give the brief once: pasted text or a file, not both.", need_draft: "Paste a draft first.",
    footer: "Runs on this computer: drafts and files are not sent anywhere else.",
    api_docs_long: "JSON API reference", failed: "Request failed", sentence_p: "p_scripted of this sentence",
    summary: null,
  },
  zh: {
    tagline: "读起来像真实体验，还是像广告文案？",
    tab_check: "检查草稿", tab_audit: "审核投放活动", api_docs: "API",
    draft_label: "草稿", draft_placeholder: "粘贴准备发布的笔记原文",
    brief_toggle: "Brief（可选）：看看草稿照搬了哪些内容",
    brief_placeholder: "粘贴 brief（纯文本或 Markdown）",
    check_button: "检查", check_hint: "Ctrl+Enter", checking: "检查中…",
    h_draft: "草稿标注", lg_sentence: "像脚本的句子", lg_scripted: "偏广告", lg_authentic: "偏真实",
    lg_copied: "照搬 brief", lg_law: "广告法风险词",
    h_scripted: "为什么像广告", h_authentic: "为什么像真实分享",
    h_copied: "照搬 brief 的内容", h_law: "广告法风险词", h_disclosure: "广告标注", h_suggestions: "修改建议",
    verdict_scripted: "读起来像脚本化广告文案", verdict_authentic: "读起来像真实体验分享",
    score: "广告感", threshold: "阈值",
    none_reasons: "无明显因素", no_brief: "未提供 brief：在上方粘贴 brief，即可查看草稿照搬了哪些内容。",
    copied_share: (p) => `草稿中 ${p} 的内容照搬自 brief。`, nothing_copied: "没有照搬。",
    expected: "必带内容（不计为照搬）：", no_law: "未发现。",
    col_term: "用词", col_severity: "风险", col_category: "类别", col_suggestion: "建议改写",
    sev: { high: "高", medium: "中", low: "低" },
    disclosure_ok: "没问题", disclosure_needed: "需要标注广告", labels_found: "已有的标注：",
    weak_found: "标注不够明确：", no_suggestions: "无需修改。",
    posts_label: "笔记文件（CSV、Excel、JSON Lines、Parquet）",
    audit_brief_label: "Brief：粘贴文本，或选择文件",
    columns_toggle: "列名（可选；默认按名称自动识别）", text_col: "正文列", creator_col: "作者列",
    audit_button: "审核", auditing: "审核中…", download: "下载报告", audit_done: "完成。",
    need_posts: "请选择笔记文件。", need_brief: "请粘贴 brief 或选择 brief 文件。",
    both_brief: "brief 只需提供一次：粘贴文本或选择文件，二选一。", need_draft: "请先粘贴草稿。",
    footer: "在本机运行：草稿和文件不会发送到其他任何地方。", api_docs_long: "JSON API 文档",
    failed: "请求失败", sentence_p: "本句的广告感",
    summary: (r) => {
      const parts = [`广告感 ${r.p_scripted.toFixed(2)}（阈值 ${r.threshold.toFixed(2)}）`];
      const top = (r.reasons.scripted || []).filter((x) => x.kind === "phrase").slice(0, 2).map((x) => `「${x.text}」`);
      if (r.label === "scripted" && top.length) parts.push(`主要因为 ${top.join("、")}`);
      if (r.copied_from_brief && r.copied_from_brief.share > 0) parts.push(`${pct(r.copied_from_brief.share)} 照搬 brief`);
      if (r.absolute_terms.length) parts.push(`${r.absolute_terms.length} 个广告法风险词`);
      if (r.disclosure.needed) parts.push(`发布前请加上「${r.disclosure.expected_label}」标注`);
      return parts.join("；") + "。";
    },
  },
};

const state = { lang: (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en", last: null, text: "" };
const $ = (id) => document.getElementById(id);
const t = (key) => I18N[state.lang][key];
const pct = (x) => `${Math.round(x * 100)}%`;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function setLang(lang) {
  state.lang = lang;
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) {
    const v = t(node.dataset.i18n);
    if (typeof v === "string") node.textContent = v;
  }
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  }
  $("lang-toggle").textContent = lang === "zh" ? "English" : "中文";
  if (state.last) renderCheck(state.last, state.text);
}

function showView(name) {
  for (const b of document.querySelectorAll(".tab")) b.classList.toggle("active", b.dataset.view === name);
  $("view-check").hidden = name !== "check";
  $("view-audit").hidden = name !== "audit";
}

async function apiError(resp) {
  try {
    const body = await resp.json();
    return `${t("failed")} (${resp.status}): ${body.message || resp.statusText}`;
  } catch (e) {
    return `${t("failed")} (${resp.status} ${resp.statusText})`;
  }
}

function showError(id, msg) {
  const box = $(id);
  box.textContent = msg || "";
  box.hidden = !msg;
}

/* ---- the draft check ------------------------------------------------------------------ */

const SEV_RANK = { high: 3, medium: 2, low: 1 };

function marks(report, n) {
  // one entry per code point of the draft (the API's offsets are code-point indices)
  const weight = new Float64Array(n);
  const copied = new Uint8Array(n);
  const law = new Uint8Array(n);
  const sentence = new Int32Array(n).fill(-1);
  for (const dir of ["scripted", "authentic"]) {
    for (const r of report.reasons[dir] || []) {
      if (r.kind !== "phrase" || r.start === null || r.start === undefined) continue;
      for (let i = Math.max(0, r.start); i < Math.min(n, r.end); i++) {
        if (Math.abs(r.weight) > Math.abs(weight[i])) weight[i] = r.weight;
      }
    }
  }
  if (report.copied_from_brief) {
    for (const s of report.copied_from_brief.spans) for (let i = s.start; i < Math.min(n, s.end); i++) copied[i] = 1;
  }
  for (const term of report.absolute_terms) {
    for (let i = term.start; i < Math.min(n, term.end); i++) law[i] = Math.max(law[i], SEV_RANK[term.severity] || 1);
  }
  report.sentences.forEach((s, k) => { for (let i = s.start; i < Math.min(n, s.end); i++) sentence[i] = k; });
  return { weight, copied, law, sentence };
}

function runNode(text, w, cp, lw) {
  if (!w && !cp && !lw) return document.createTextNode(text);
  const cls = [];
  if (w > 0) cls.push("phrase", "scripted");
  else if (w < 0) cls.push("phrase", "authentic");
  if (cp) cls.push("copied");
  if (lw) cls.push("law", ["", "low", "medium", "high"][lw]);
  return el("mark", { class: cls.join(" "), text });
}

function renderDraft(report, text) {
  const view = $("draft-view");
  view.replaceChildren();
  const cps = Array.from(text);
  const n = cps.length;
  const m = marks(report, n);
  let i = 0;
  while (i < n) {
    const k = m.sentence[i];
    let j = i;
    while (j < n && m.sentence[j] === k) j++;
    let holder = view;
    if (k >= 0) {
      const s = report.sentences[k];
      holder = el("span", { class: s.highlight ? "sent hl" : "sent", title: `${t("sentence_p")} ${s.p_scripted.toFixed(2)}`,
        "data-p": s.p_scripted.toFixed(4) });
      const alpha = Math.max(0, (s.p_scripted - 0.3) / 0.7) * 0.3;
      holder.style.backgroundColor = `rgba(220, 38, 38, ${alpha.toFixed(3)})`;
      view.append(holder);
    }
    // runs of identical marks inside [i, j)
    let a = i;
    while (a < j) {
      let b = a + 1;
      const key = (x) => `${Math.sign(m.weight[x])}|${m.copied[x]}|${m.law[x]}`;
      while (b < j && key(b) === key(a)) b++;
      holder.append(runNode(cps.slice(a, b).join(""), Math.sign(m.weight[a]), m.copied[a], m.law[a]));
      a = b;
    }
    i = j;
  }
}

function reasonItem(r) {
  const what = r.kind === "phrase" ? el("q", { text: r.text }) : el("span", { class: "signal", text: r.text });
  const width = Math.min(100, Math.round(Math.abs(r.weight) * 25));
  const bar = el("span", { class: r.weight > 0 ? "bar scripted" : "bar authentic" });
  bar.style.width = `${Math.max(4, width)}px`;
  return el("li", { class: `reason ${r.kind}` }, bar, what, el("span", { class: "weight", text: (r.weight > 0 ? "+" : "") + r.weight.toFixed(2) }));
}

function renderList(id, items, make, empty) {
  const box = $(id);
  box.replaceChildren(...(items.length ? items.map(make) : [el("li", { class: "muted", text: empty })]));
}

function renderCheck(report, text) {
  const scripted = report.label === "scripted";
  const v = $("verdict");
  v.className = `card verdict ${scripted ? "scripted" : "authentic"}`;
  v.dataset.label = report.label;
  const summary = t("summary") ? t("summary")(report) : report.summary;
  v.replaceChildren(
    el("div", { class: "verdict-line" },
      el("span", { class: "badge", id: "verdict-label", text: t(scripted ? "verdict_scripted" : "verdict_authentic") }),
      el("span", { class: "score", text: `${t("score")} ${report.p_scripted.toFixed(2)}` }),
      el("span", { class: "muted", text: `${t("threshold")} ${report.threshold.toFixed(2)}` })),
    el("div", { class: "meter" }, el("span", { class: "needle" })),
    el("p", { class: "summary", text: summary }));
  v.querySelector(".needle").style.left = `${(report.p_scripted * 100).toFixed(1)}%`;
  $("draft-view").lang = report.lang === "en" ? "en" : "zh-CN";
  renderDraft(report, text);
  renderList("why-scripted", report.reasons.scripted || [], reasonItem, t("none_reasons"));
  renderList("why-authentic", report.reasons.authentic || [], reasonItem, t("none_reasons"));

  const copied = $("copied");
  const cb = report.copied_from_brief;
  if (!cb) {
    copied.replaceChildren(el("p", { class: "muted", text: t("no_brief") }));
  } else {
    const kids = [el("p", { text: cb.spans.length ? t("copied_share")(pct(cb.share)) : t("nothing_copied") })];
    if (cb.spans.length) kids.push(el("ul", { class: "spans" }, ...cb.spans.map((s) => el("li", {}, el("mark", { class: "copied", text: s.text })))));
    if (cb.expected.length) kids.push(el("p", { class: "muted", text: `${t("expected")} ${cb.expected.map((x) => x.text).join("、")}` }));
    copied.replaceChildren(...kids);
  }

  const law = $("law");
  if (!report.absolute_terms.length) {
    law.replaceChildren(el("p", { class: "muted", text: t("no_law") }));
  } else {
    const head = el("tr", {}, ...["col_term", "col_severity", "col_category", "col_suggestion"].map((k) => el("th", { text: t(k) })));
    const rows = report.absolute_terms.map((x) => el("tr", {},
      el("td", {}, el("mark", { class: `law ${x.severity}`, text: x.text })),
      el("td", { class: `sev ${x.severity}`, text: t("sev")[x.severity] || x.severity }),
      el("td", { text: x.category }),
      el("td", {}, el("div", { text: x.suggestion }), el("div", { class: "muted small", text: x.why }))));
    law.replaceChildren(el("table", { class: "law-table" }, el("thead", {}, head), el("tbody", {}, ...rows)));
  }

  const d = report.disclosure;
  const dkids = [el("p", { class: d.needed ? "warn" : "ok" },
    el("b", { text: (d.needed ? "⚠ " : "✓ ") + t(d.needed ? "disclosure_needed" : "disclosure_ok") + ": " }),
    document.createTextNode(d.message))];
  if (d.labels.length) dkids.push(el("p", { class: "muted", text: `${t("labels_found")} ${d.labels.join(", ")}` }));
  if (d.weak.length) dkids.push(el("p", { class: "muted", text: `${t("weak_found")} ${d.weak.join(", ")}` }));
  $("disclosure").replaceChildren(...dkids);

  renderList("suggestions", report.suggestions, (s) => el("li", { "data-id": s.id, text: s.text }), t("no_suggestions"));
  $("check-result").hidden = false;
}

async function submitCheck(ev) {
  ev.preventDefault();
  const text = $("draft").value;
  showError("check-error", "");
  if (!text.trim()) { showError("check-error", t("need_draft")); return; }
  const brief = $("brief").value;
  const button = $("check-submit");
  button.disabled = true;
  $("check-status").textContent = t("checking");
  try {
    const resp = await fetch("/v1/check", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text, brief: brief.trim() ? brief : null }),
    });
    if (!resp.ok) { showError("check-error", await apiError(resp)); return; }
    const report = await resp.json();
    state.last = report;
    state.text = text;
    const lang = report.lang === "en" ? "en" : (report.lang === "zh" || report.lang === "mixed") ? "zh" : state.lang;
    setLang(lang); // renders the report in the draft's language
    $("check-status").textContent = "";
  } catch (e) {
    showError("check-error", `${t("failed")}: ${e.message}`);
  } finally {
    button.disabled = false;
    if ($("check-status").textContent === t("checking")) $("check-status").textContent = "";
  }
}

/* ---- the campaign audit --------------------------------------------------------------- */

let reportUrl = null;

async function submitAudit(ev) {
  ev.preventDefault();
  showError("audit-error", "");
  const posts = $("posts").files[0];
  const briefText = $("audit-brief").value;
  const briefFile = $("audit-brief-file").files[0];
  if (!posts) { showError("audit-error", t("need_posts")); return; }
  if (!briefText.trim() && !briefFile) { showError("audit-error", t("need_brief")); return; }
  if (briefText.trim() && briefFile) { showError("audit-error", t("both_brief")); return; }
  const form = new FormData();
  form.append("posts", posts, posts.name);
  if (briefFile) form.append("brief_file", briefFile, briefFile.name);
  else form.append("brief", briefText);
  for (const [id, name] of [["text-col", "text_col"], ["creator-col", "creator_col"]]) {
    const v = $(id).value.trim();
    if (v) form.append(name, v);
  }
  const button = $("audit-submit");
  button.disabled = true;
  $("audit-status").textContent = t("auditing");
  try {
    const resp = await fetch("/v1/audit?format=html", { method: "POST", body: form });
    if (!resp.ok) { showError("audit-error", await apiError(resp)); $("audit-status").textContent = ""; return; }
    const page = await resp.text();
    const frame = $("audit-frame");
    frame.srcdoc = page;
    frame.hidden = false;
    if (reportUrl) URL.revokeObjectURL(reportUrl);
    reportUrl = URL.createObjectURL(new Blob([page], { type: "text/html" }));
    const link = $("audit-download");
    link.href = reportUrl;
    link.hidden = false;
    $("audit-status").textContent = t("audit_done");
  } catch (e) {
    showError("audit-error", `${t("failed")}: ${e.message}`);
    $("audit-status").textContent = "";
  } finally {
    button.disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  setLang(state.lang);
  for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => showView(b.dataset.view));
  $("lang-toggle").addEventListener("click", () => setLang(state.lang === "zh" ? "en" : "zh"));
  $("check-form").addEventListener("submit", submitCheck);
  $("audit-form").addEventListener("submit", submitAudit);
  for (const id of ["draft", "brief"]) {
    $(id).addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) $("check-form").requestSubmit();
    });
  }
  document.body.dataset.ready = "1";
});
