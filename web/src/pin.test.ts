import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { pinError, pinSaveMessage, switchMessage } from './pin';

describe('pinError', () => {
	it('accepts 4 to 8 digits', () => {
		expect(pinError('1234')).toBe('');
		expect(pinError('12345678')).toBe('');
	});
	it('explains what is wrong', () => {
		expect(pinError('')).toMatch(/Enter/);
		expect(pinError('12a4')).toMatch(/digits/);
		expect(pinError('123')).toMatch(/4 to 8/);
		expect(pinError('123456789')).toMatch(/4 to 8/);
	});
});

describe('switchMessage', () => {
	it('tells a wrong PIN from a wrong password', () => {
		const e = new ApiError(400, 'Bad Request', 'pin does not match');
		expect(switchMessage(e, true)).toBe('Wrong PIN.');
		expect(switchMessage(new ApiError(400, 'Bad Request', 'password does not match'), false)).toBe('Wrong password.');
	});
	it('says when the PIN is locked, throttled, or the user is gone', () => {
		expect(switchMessage(new ApiError(400, 'Bad Request', 'pin: this user has no PIN that works; give their password'), true)).toMatch(/locked/);
		expect(switchMessage(new ApiError(429, 'Too Many Requests'), true)).toMatch(/Too many/);
		expect(switchMessage(new ApiError(404, 'Not Found'), true)).toMatch(/no longer exists/);
		expect(switchMessage(new ApiError(401, 'Unauthorized'), true)).toMatch(/signed out/);
	});
	it('passes other errors through', () => {
		expect(switchMessage(new Error('boom'), true)).toBe('boom');
		expect(switchMessage(new ApiError(500, 'Internal Server Error', 'x'), true)).toBe('x');
	});
});

describe('pinSaveMessage', () => {
	it('names the field that was refused', () => {
		expect(pinSaveMessage(new ApiError(400, 'Bad Request', 'currentPassword: does not match'))).toBe('Your current password is wrong.');
		expect(pinSaveMessage(new ApiError(400, 'Bad Request', 'pin: must be 4 to 8 digits'))).toMatch(/4 to 8/);
		expect(pinSaveMessage(new ApiError(500, 'Internal Server Error'))).toBe('Internal Server Error');
	});
});
