// PINs: what the forms accept, and what to tell people when a switch is refused. The server's
// rules (core/profile.go): a PIN is 4 to 8 digits; a wrong PIN or password is 400, too many tries
// 429, and after 10 wrong PINs in a row the PIN stops working until it is set again.
import { ApiError } from './api';

/** pinError is why s is not a PIN, or '' when it is one. */
export function pinError(s: string): string {
	if (s === '') return 'Enter the PIN.';
	if (!/^[0-9]+$/.test(s)) return 'A PIN has only digits.';
	if (s.length < 4 || s.length > 8) return 'A PIN has 4 to 8 digits.';
	return '';
}

/** switchMessage is what to show when switching to a user was refused. */
export function switchMessage(e: unknown, withPin: boolean): string {
	if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
	const detail = e.detail.toLowerCase();
	switch (e.status) {
		case 400:
			if (detail.includes('no pin that works')) return 'This PIN is locked after too many wrong tries. Enter the password instead.';
			if (detail.includes('does not match')) return withPin ? 'Wrong PIN.' : 'Wrong password.';
			return e.detail || e.title;
		case 401:
			return 'This device is signed out. Sign in again.';
		case 404:
			return 'This user no longer exists or is disabled.';
		case 429:
			return 'Too many wrong tries. Wait a minute, then try again.';
		case 0:
			return 'The server cannot be reached.';
	}
	return e.detail || e.title;
}

/** pinSaveMessage is what to show when the settings page could not save a PIN. */
export function pinSaveMessage(e: unknown): string {
	// core answers "currentPassword: does not match" to a wrong or missing one alike.
	if (e instanceof ApiError && e.status === 400 && e.detail.startsWith('currentPassword')) return 'Your current password is wrong.';
	if (e instanceof ApiError && e.status === 400 && e.detail.startsWith('pin')) return 'A PIN has 4 to 8 digits.';
	return e instanceof ApiError ? e.detail || e.title : e instanceof Error ? e.message : String(e);
}
