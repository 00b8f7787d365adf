// Google: connect the user's Drive (GET /api/google/auth-url, then the browser goes to Google and
// comes back to `/?google=connected` or `?google=error&reason=…`), and the listings the Drive
// picker shows.

const RETURN_KEY = "cinemasync.google.return";

/** Why Google sent the browser back without linking the account (the callback's `reason`). */
export const GOOGLE_ERROR_REASONS = Object.freeze({
  access_denied: "you did not allow access to your Drive",
  invalid_state: "the sign-in link had expired or was already used; try again",
  browser_mismatch: "it was finished in another browser than the one that started it; try again here",
  untrusted_start: "it was not started from this page; try again from the Drive button",
  exchange_failed: "Google did not accept the sign-in; try again",
  missing_code: "Google did not say whether you allowed access; try again",
  google_unavailable: "Google could not be reached; try again later",
  not_configured: "this server is not set up for Google Drive",
});

/** Sentences for a server without Google OAuth (users' own Drive) or without a service account (the catalogue). */
export const NOT_CONFIGURED = Object.freeze({
  mine: "Google Drive is not set up on this server, so you cannot pick videos from your own Drive. Its operator needs to set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET.",
  catalogue: "This server has no shared video catalogue. Its operator needs to set GOOGLE_APPLICATION_CREDENTIALS (a Drive service account).",
});

/** Starts the round trip (`api`: the client package's Api); the browser comes back to `returnTo` (the room) afterwards. */
export async function connectGoogle(api, returnTo = location.pathname + location.search) {
  const { url } = await api.googleAuthUrl();
  sessionStorage.setItem(RETURN_KEY, returnTo);
  location.assign(url);
}

/**
 * The outcome of a round trip that just came back (`?google=`), or null. Removes the parameter
 * from the address; `returnTo` is where the user started it.
 */
export function takeGoogleResult() {
  const url = new URL(location.href);
  const outcome = url.searchParams.get("google");
  if (!outcome) return null;
  const reason = url.searchParams.get("reason");
  url.searchParams.delete("google");
  url.searchParams.delete("reason");
  const returnTo = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  history.replaceState(null, "", returnTo ?? url.pathname + url.search);
  const connected = outcome === "connected";
  return {
    connected,
    message: connected
      ? "Google Drive is connected: your videos are in the Drive picker."
      : `Google Drive was not connected: ${GOOGLE_ERROR_REASONS[reason] ?? "something went wrong; try again"}.`,
  };
}

/** One page of videos: the user's own Drive (`mine`) or the server's catalogue, optionally searched. */
export function listVideos(api, { source, q, pageToken, pageSize = 25 }) {
  const page = { pageToken, pageSize };
  if (source === "mine") return api.driveVideos({ q, ...page });
  return q ? api.searchMovies(q, page) : api.movies(page);
}
