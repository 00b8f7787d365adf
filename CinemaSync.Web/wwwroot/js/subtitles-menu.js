// The subtitles menu under the player: the video's tracks and "Off". Each member's choice is their
// own (set_subtitle: the server keeps it and tells nobody else); the host and co-hosts add and
// remove tracks. A <track> cannot send the token, so each file is fetched with it and handed to
// its <track> as a blob: URL.
import { flash } from "./dom.js";
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

  $("subtitle-add-form").addEventListener("submit", async e => {
    e.preventDefault();
    const url = $("subtitle-url").value.trim();
    const label = $("subtitle-label").value.trim();
    const language = $("subtitle-language").value.trim();
    const ack = await ctx.client.subtitleAdd({ label, language, source: { type: "directLink", url } });
    if (!ack.ok) {
      status.textContent = ctx.describeError(ack);
      return;
    }
    status.textContent = "";
    flash(status, `Added “${ack.track.label}”.`);
    $("subtitle-url").value = "";
    $("subtitle-label").value = "";
  });

  $("subtitle-remove").addEventListener("click", async () => {
    const current = ctx.client.subtitle;
    if (!current) return;
    const ack = await ctx.client.subtitleRemove(current.track_id);
    status.textContent = ack.ok ? "" : ctx.describeError(ack);
  });

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
      if (shown.has(track.track_id)) continue;
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
    $("subtitle-remove").hidden = !controller || !chosen;
    syncTracks(room ? tracks : [], chosen?.track_id ?? null);
  }

  ctx.client.on("subtitle", render);
  return { render };
}

/** A track is fetched again when the room or its source changes. */
function keyOf(room, track) {
  return `${room?.room_id}|${JSON.stringify(track.source)}`;
}
