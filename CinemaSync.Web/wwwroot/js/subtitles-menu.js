// The subtitles menu under the player: the video's tracks and "Off". Each member's choice is their
// own (set_subtitle: the server keeps it and tells nobody else); the host and co-hosts set the
// room's default, add tracks (a link, or a file in their own or the server's Google Drive),
// rename and remove them. A <track> cannot send the token, so each file is fetched with it and
// handed to its <track> as a blob: URL.
import { el, flash, rerenderKeepingFocus } from "./dom.js";
import { canControl } from "/lib/cinemasync-client.js";

/**
 * @param ctx the page's room context: `room()`, `me()`, `client` (RoomClient), `api`, `describeError(ack)`
 * @param options.video the `<video>` element the tracks belong to
 */
export function createSubtitlesMenu(ctx, { video }) {
  const $ = id => document.getElementById(id);
  const select = $("subtitle-select");
  const status = $("subtitle-status");
  const shown = new Map(); // track id → { element, url, key }

  select.addEventListener("change", async () => {
    const ack = await ctx.client.setSubtitle(select.value || null);
    if (!ack.ok) status.textContent = ctx.describeError(ack);
    render();
  });

  const sourceSelect = $("subtitle-source");
  const urlInput = $("subtitle-url");
  sourceSelect.addEventListener("change", () => {
    const drive = sourceSelect.value !== "link";
    urlInput.type = drive ? "text" : "url";
    urlInput.placeholder = drive ? "The file's Drive link or id" : "https://example.com/film.en.srt";
    urlInput.setAttribute("aria-label", drive ? "Google Drive link or file id of the subtitle file" : "Subtitle file link (.srt or .vtt)");
  });

  $("subtitle-add-form").addEventListener("submit", async e => {
    e.preventDefault();
    const where = sourceSelect.value;
    const text = urlInput.value.trim();
    const source = where === "link" ? { type: "directLink", url: text } : { type: "googleDrive", file_id: driveFileId(text), owner: where };
    const label = $("subtitle-label").value.trim();
    const language = $("subtitle-language").value.trim();
    const ack = await ctx.client.subtitleAdd({ label, language, source });
    if (!ack.ok) {
      status.textContent = ctx.describeError(ack);
      return;
    }
    status.textContent = "";
    flash(status, `Added “${ack.track.label}”.`);
    urlInput.value = "";
    $("subtitle-label").value = "";
  });

  $("subtitle-default").addEventListener("change", async e => {
    const ack = await ctx.client.setSubtitleDefault(e.target.value || null);
    status.textContent = ack.ok ? "" : ctx.describeError(ack);
    render();
  });

  const trackList = $("subtitle-tracks");
  let listedKey = null;

  /** A row per track for the host and co-hosts: its label and language to edit, and remove. */
  function trackRow(track) {
    const label = el("input", { value: track.label, maxlength: 64, required: true, "aria-label": `Label of “${track.label}”`, dataset: { focusKey: `${track.track_id}:label` } });
    const language = el("input", { value: track.language, maxlength: 35, required: true, size: 6, "aria-label": `Language of “${track.label}”`,
      dataset: { focusKey: `${track.track_id}:language` } });
    const rename = async e => {
      e.preventDefault();
      const changes = {};
      if (label.value.trim() !== track.label) changes.label = label.value.trim();
      if (language.value.trim() !== track.language) changes.language = language.value.trim();
      if (!Object.keys(changes).length) return;
      const ack = await ctx.client.subtitleRename(track.track_id, changes);
      if (ack.ok) flash(status, `Renamed to “${ack.track.label}” (${ack.track.language}).`);
      else status.textContent = ctx.describeError(ack);
    };
    const remove = async () => {
      const ack = await ctx.client.subtitleRemove(track.track_id);
      if (ack.ok) flash(status, `Removed “${track.label}”.`);
      else status.textContent = ctx.describeError(ack);
    };
    return el("li", { class: "subtitle-track", dataset: { trackId: track.track_id } },
      el("form", { class: "chat-form", onsubmit: rename }, label, language,
        el("button", { type: "submit", dataset: { focusKey: `${track.track_id}:rename` } }, "Rename"),
        el("button", { type: "button", "aria-label": `Remove “${track.label}”`, dataset: { focusKey: `${track.track_id}:remove` }, onclick: remove }, "Remove")));
  }

  function renderManage(tracks) {
    const defaults = $("subtitle-default");
    defaults.replaceChildren(new Option("Off", ""), ...tracks.map(t => new Option(`${t.label} (${t.language})`, t.track_id)));
    defaults.value = ctx.room()?.movie_source?.subtitle_default ?? "";
    defaults.disabled = tracks.length === 0;
    // Rows are redrawn only when the tracks change, so an edit in progress survives other room updates.
    const key = JSON.stringify(tracks.map(t => [t.track_id, t.label, t.language]));
    if (key === listedKey) return;
    listedKey = key;
    rerenderKeepingFocus(trackList, () => trackList.replaceChildren(...tracks.map(trackRow)));
  }

  /** A <track> for each track of the video (its file fetched once), the chosen one showing. */
  function syncTracks(tracks, chosenId) {
    const room = ctx.room();
    for (const [id, t] of shown) {
      if (tracks.some(track => track.track_id === id && keyOf(room, track) === t.key)) continue;
      t.element.remove();
      if (t.url) URL.revokeObjectURL(t.url);
      shown.delete(id);
    }
    for (const track of tracks) {
      if (shown.has(track.track_id)) {
        Object.assign(shown.get(track.track_id).element, { label: track.label, srclang: track.language });
        continue;
      }
      const element = document.createElement("track");
      element.kind = "subtitles";
      element.label = track.label;
      element.srclang = track.language;
      element.dataset.trackId = track.track_id;
      const entry = { element, url: null, key: keyOf(room, track) };
      shown.set(track.track_id, entry);
      video.append(element);
      load(room.room_id, track, entry);
    }
    for (const [id, t] of shown) t.element.track.mode = id === chosenId ? "showing" : "disabled";
  }

  async function load(roomId, track, entry) {
    try {
      const text = await ctx.api.subtitleText(roomId, track.track_id);
      if (shown.get(track.track_id) !== entry) return;
      entry.url = URL.createObjectURL(new Blob([text], { type: "text/vtt" }));
      entry.element.src = entry.url;
      // A track whose src arrives late must be told again to show.
      entry.element.track.mode = ctx.client.subtitle?.track_id === track.track_id ? "showing" : "disabled";
    } catch (err) {
      if (shown.get(track.track_id) === entry) status.textContent = `The subtitles “${track.label}” could not be loaded: ${err.message}`;
    }
  }

  function render() {
    const room = ctx.room();
    const tracks = ctx.client.subtitles;
    const chosen = ctx.client.subtitle;
    $("subtitles").hidden = !room || (tracks.length === 0 && !canControl(room, ctx.me()?.user_id));
    select.replaceChildren(new Option("Off", ""), ...tracks.map(t => new Option(`${t.label} (${t.language})`, t.track_id)));
    select.value = chosen?.track_id ?? "";
    select.disabled = tracks.length === 0;
    const controller = canControl(room, ctx.me()?.user_id);
    $("subtitle-manage").hidden = !controller;
    if (controller) renderManage(tracks);
    syncTracks(room ? tracks : [], chosen?.track_id ?? null);
  }

  ctx.client.on("subtitle", render);
  return { render };
}

/** A Drive file id from what was pasted: a Drive link (`/d/<id>/`, `?id=<id>`) or the id itself. */
export function driveFileId(text) {
  const match = /\/d\/([A-Za-z0-9_-]+)/.exec(text) ?? /[?&]id=([A-Za-z0-9_-]+)/.exec(text);
  return match ? match[1] : text;
}

/** A track is fetched again when the room or its source changes. */
function keyOf(room, track) {
  return `${room?.room_id}|${JSON.stringify(track.source)}`;
}
