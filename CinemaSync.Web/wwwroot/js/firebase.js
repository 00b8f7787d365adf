// Firebase sign-in for the watch page: the Firebase JS SDK's Auth (the npm `firebase` package's
// browser modules, copied into /lib at build time), configured from the server's public settings
// (`GET /api/config` → `firebase`). The page trades the Firebase ID token for a backend token at
// `POST /api/auth/exchange`; Firebase keeps the person signed in (IndexedDB) and refreshes the ID
// token, so the page can get a new backend token without asking again.
//
// Loaded only when the server has Firebase sign-in configured.
import { initializeApp } from "/lib/firebase-app.js";
import {
  connectAuthEmulator,
  createUserWithEmailAndPassword,
  getAuth,
  getRedirectResult,
  GoogleAuthProvider,
  signInWithEmailAndPassword,
  signInWithPopup,
  signInWithRedirect,
  signOut,
} from "/lib/firebase-auth.js";

/** One sentence a person can act on, for the Firebase Auth error codes sign-in can meet. */
const FIREBASE_MESSAGES = Object.freeze({
  "auth/invalid-credential": "Wrong e-mail or password.",
  "auth/invalid-login-credentials": "Wrong e-mail or password.",
  "auth/wrong-password": "Wrong e-mail or password.",
  "auth/user-not-found": "There is no account with this e-mail. Create one instead.",
  "auth/email-already-in-use": "An account with this e-mail exists already. Sign in instead.",
  "auth/weak-password": "Choose a password of at least 6 characters.",
  "auth/invalid-email": "That is not a valid e-mail address.",
  "auth/missing-password": "Enter your password.",
  "auth/too-many-requests": "Too many attempts. Wait a moment and try again.",
  "auth/user-disabled": "This account has been disabled.",
  "auth/network-request-failed": "Firebase sign-in cannot be reached. Check your connection and try again.",
  "auth/operation-not-allowed": "This sign-in method is not enabled in the server's Firebase project.",
  "auth/unauthorized-domain": "This site's domain is not authorised for sign-in in the Firebase project (Authentication → Settings → Authorised domains).",
  "auth/invalid-api-key": "The server's Firebase API key (FIREBASE_API_KEY) is not valid.",
  "auth/api-key-not-valid.-please-pass-a-valid-api-key.": "The server's Firebase API key (FIREBASE_API_KEY) is not valid.",
  "auth/popup-blocked": "The browser blocked the sign-in window. Allow pop-ups for this site and try again.",
});

/** The message for a Firebase error, or null when there is nothing to say (the person closed the popup). */
export function describeFirebaseError(err) {
  const code = err?.code ?? "";
  if (code === "auth/popup-closed-by-user" || code === "auth/cancelled-popup-request" || code === "auth/user-cancelled") return null;
  return FIREBASE_MESSAGES[code] ?? `Sign-in failed (${code || err?.message || "unknown error"}).`;
}

export class FirebaseSignIn {
  /** @param {{api_key: string, auth_domain: string, project_id: string, sign_in_providers: string[], auth_emulator_url?: string|null}} config */
  constructor(config) {
    this.config = config;
    const app = initializeApp({ apiKey: config.api_key, authDomain: config.auth_domain, projectId: config.project_id });
    this.auth = getAuth(app);
    if (config.auth_emulator_url) {
      // The page says so itself (see app.js); the SDK's own banner would cover the page's controls.
      connectAuthEmulator(this.auth, config.auth_emulator_url, { disableWarnings: true });
    }
  }

  get providers() {
    return this.config.sign_in_providers ?? [];
  }

  /**
   * The signed-in Firebase user once Firebase has restored it (or null). Also completes a
   * redirect sign-in; its error is thrown.
   */
  async restore() {
    await this.auth.authStateReady();
    if (this.providers.includes("google")) await getRedirectResult(this.auth);
    return this.auth.currentUser;
  }

  get user() {
    return this.auth.currentUser;
  }

  /** Google in a popup; where popups are blocked or unsupported, the redirect flow (the page reloads). */
  async signInWithGoogle() {
    const provider = new GoogleAuthProvider();
    provider.setCustomParameters({ prompt: "select_account" });
    try {
      return (await signInWithPopup(this.auth, provider)).user;
    } catch (err) {
      if (err?.code === "auth/popup-blocked" || err?.code === "auth/operation-not-supported-in-this-environment") {
        await signInWithRedirect(this.auth, provider);
        return null;
      }
      throw err;
    }
  }

  async signInWithPassword(email, password) {
    return (await signInWithEmailAndPassword(this.auth, email, password)).user;
  }

  async createAccount(email, password) {
    return (await createUserWithEmailAndPassword(this.auth, email, password)).user;
  }

  /** A current ID token of the signed-in user (Firebase refreshes an expired one), or null. */
  async idToken() {
    return this.auth.currentUser ? await this.auth.currentUser.getIdToken() : null;
  }

  async signOut() {
    await signOut(this.auth);
  }
}
