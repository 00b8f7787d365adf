// The Drive picker: a dialog listing the user's own Drive videos ("My Drive") or the server's
// catalogue, with search; it resolves to the movie picked (or null). Used for the room video,
// the queue and the create form.
import { el, formatDuration } from "./dom.js";
import { NOT_CONFIGURED, connectGoogle, listVideos } from "./google-drive.js";

const formatSize = bytes => !Number.isFinite(bytes) || bytes <= 0 ? ""
  : bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / 1e6))} MB`;

/** @param ctx `api` (the client package's Api), `config()` (GET /api/config) */
export function createDrivePicker(ctx) {
  const $ = id => document.getElementById(id);
  const dialog = $("drive-picker");
  const list = $("picker-list");
  const tabs = { mine: $("picker-tab-mine"), catalogue: $("picker-tab-catalogue") };
  let source = "mine";
  let resolve = null;
  let nextPage = null;
  let searchText = "";
  let loadId = 0;

  const say = text => { $("picker-message").textContent = text ?? ""; $("picker-message").hidden = !text; };

  function configured(which) {
    const config = ctx.config() ?? {};
    return which === "mine" ? !!config.google_oauth : !!config.google_drive;
  }

  function selectTab(which, focus = false) {
    source = which;
    for (const [name, tab] of Object.entries(tabs)) {
      tab.setAttribute("aria-selected", String(name === which));
      tab.tabIndex = name === which ? 0 : -1;
    }
    if (focus) tabs[which].focus();
    load(false);
  }

  async function load(more) {
    const id = ++loadId;
    if (!more) { list.replaceChildren(); nextPage = null; }
    $("picker-more").hidden = true;
    $("picker-connect").hidden = true;
    $("picker-disconnect").hidden = true;
    $("picker-search").hidden = !configured(source);
    if (!configured(source)) return say(NOT_CONFIGURED[source]);
    if (source === "mine" && !more) {
      try {
        const status = await ctx.api.googleStatus();
        if (id !== loadId) return;
        if (!status.connected) {
          $("picker-search").hidden = true;
          $("picker-connect").hidden = false;
          return say("Connect your Google account to pick videos from your own Drive. You come back here afterwards.");
        }
        $("picker-account").textContent = status.email ? `Your Drive (${status.email})` : "Your Drive";
        $("picker-disconnect").hidden = false;
      } catch (err) {
        return say(err.message);
      }
    } else if (source === "catalogue") {
      $("picker-account").textContent = "Videos this server shares with everyone";
    }
    say("Loading…");
    try {
      const page = await listVideos(ctx.api, { source, q: searchText, pageToken: more ? nextPage : null });
      if (id !== loadId) return;
      nextPage = page.next_page_token ?? null;
      list.append(...page.movies.map(movieRow));
      say(list.children.length ? null : searchText ? `No videos match “${searchText}”.` : "No videos here yet.");
      $("picker-more").hidden = !nextPage;
    } catch (err) {
      if (id === loadId) say(err.message);
    }
  }

  function movieRow(movie) {
    const meta = [formatDuration(movie.duration_ms), formatSize(movie.size), movie.mime_type].filter(Boolean).join(" · ");
    return el("li", {},
      el("button", { type: "button", class: "picker-movie", dataset: { fileId: movie.file_id },
        "aria-label": `${movie.name}${meta ? `, ${meta}` : ""}`, onclick: () => finish(movie) },
        el("span", { class: "name", text: movie.name }), el("span", { class: "muted", text: meta })));
  }

  function finish(movie) {
    const done = resolve;
    resolve = null;
    dialog.close();
    done?.(movie);
  }

  for (const [name, tab] of Object.entries(tabs)) {
    tab.addEventListener("click", () => selectTab(name));
    tab.addEventListener("keydown", e => {
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
        e.preventDefault();
        selectTab(name === "mine" ? "catalogue" : "mine", true);
      }
    });
  }
  $("picker-search").addEventListener("submit", e => {
    e.preventDefault();
    searchText = $("picker-q").value.trim();
    load(false);
  });
  $("picker-more").addEventListener("click", () => load(true));
  $("picker-connect").addEventListener("click", async () => {
    try {
      await connectGoogle(ctx.api);
    } catch (err) {
      say(`Google Drive could not be connected: ${err.message}`);
    }
  });
  $("picker-disconnect").addEventListener("click", async () => {
    try {
      await ctx.api.googleDisconnect();
      await load(false);
      $("picker-connect").focus();
    } catch (err) {
      say(`Google Drive could not be disconnected: ${err.message}`);
    }
  });
  $("picker-cancel").addEventListener("click", () => finish(null));
  dialog.addEventListener("close", () => { if (resolve) finish(null); });

  return {
    /** Opens the picker; `purpose` names what the pick is for ("Set as the room video"). */
    pick(purpose) {
      $("picker-title").textContent = `Choose a video: ${purpose}`;
      $("picker-q").value = searchText = "";
      resolve?.(null);
      return new Promise(r => {
        resolve = r;
        dialog.showModal();
        const start = configured("mine") || !configured("catalogue") ? "mine" : "catalogue";
        selectTab(start, true);
      });
    },
  };
}
