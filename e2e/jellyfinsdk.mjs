// jellyfinsdk.mjs drives a Walros server through @jellyfin/sdk 0.13 (the
// npm package Jellyfin's own web and third-party clients are built on), the
// way a client app does: discovery info, login, views, paging, item detail,
// images (an admin's upload and delete too), PlaybackInfo for a direct-playable file and for one that must be
// transcoded (then the master and media playlists and a segment, fetched
// with the token in the URL only, as players do), progress reported from one
// device and read back from another, favourites, played, search, next up, and
// profiles (a user made, shown on the public list, with French preferences and a
// bitrate cap that PlaybackInfo follows).
//
// Usage: node jellyfinsdk.mjs --base URL --user NAME --password PW
//        [--movie TITLE] [--show TITLE] [--timeout SEC]
// Prints one JSON object (see lib.mjs) on stdout; its "playback" field holds
// the transcoding URL so that the Go test can decode it with ffmpeg.

import axios from 'axios';
import { Jellyfin } from '@jellyfin/sdk';
import { getSystemApi } from '@jellyfin/sdk/lib/utils/api/system-api.js';
import { getUserApi } from '@jellyfin/sdk/lib/utils/api/user-api.js';
import { getUserViewsApi } from '@jellyfin/sdk/lib/utils/api/user-views-api.js';
import { getItemsApi } from '@jellyfin/sdk/lib/utils/api/items-api.js';
import { getUserLibraryApi } from '@jellyfin/sdk/lib/utils/api/user-library-api.js';
import { getImageApi } from '@jellyfin/sdk/lib/utils/api/image-api.js';
import { getRemoteImageApi } from '@jellyfin/sdk/lib/utils/api/remote-image-api.js';
import { getMediaInfoApi } from '@jellyfin/sdk/lib/utils/api/media-info-api.js';
import { getPlaystateApi } from '@jellyfin/sdk/lib/utils/api/playstate-api.js';
import { getSearchApi } from '@jellyfin/sdk/lib/utils/api/search-api.js';
import { getTvShowsApi } from '@jellyfin/sdk/lib/utils/api/tv-shows-api.js';
import { Run, StepError, UsageError, log, parseArgs, watchdog } from './lib.mjs';

const spec = {
	base: { type: 'string' },
	user: { type: 'string' },
	password: { type: 'string' },
	movie: { type: 'string', default: 'Big Test' },
	show: { type: 'string', default: 'Test Show' },
	timeout: { type: 'int', default: 120 },
};

let opts;
try {
	opts = parseArgs(process.argv.slice(2), spec);
	if (opts.help || !opts.base || !opts.user || !opts.password) throw new UsageError('--base, --user and --password are required');
} catch (e) {
	if (!(e instanceof UsageError)) throw e;
	process.stderr.write(`${e.message}\nusage: node jellyfinsdk.mjs --base URL --user NAME --password PW [--movie TITLE] [--show TITLE]\n`);
	process.exit(2);
}

const run = new Run(opts);
watchdog(run, opts.timeout);
const TICKS = 10_000_000;

// check throws a step failure with what was seen when cond is false.
function check(cond, what, seen) {
	if (!cond) throw new StepError({ message: what, seen });
}

// client returns an SDK Api for one device: each device signs in on its own.
function client(deviceId) {
	const jf = new Jellyfin({
		clientInfo: { name: 'Walros SDK Check', version: '1.0.0' },
		deviceInfo: { name: 'node', id: deviceId },
	});
	return jf.createApi(opts.base);
}

// get fetches a URL the way a player does: no Authorization header, the
// token only in the URL.
async function get(url, responseType = 'text', headers = {}) {
	return axios.get(new URL(url, opts.base).toString(), { responseType, headers, validateStatus: () => true });
}

const api = client('sdk-device-1');
const other = client('sdk-device-2');
const state = {};

await run.step('public-info', async () => {
	const { data } = await getSystemApi(api).getPublicSystemInfo();
	check(data.ProductName === 'Jellyfin Server' && /^10\.1\d\.\d+$/.test(data.Version) && /^[0-9a-f]{32}$/.test(data.Id), 'public system info', data);
	return { version: data.Version, id: data.Id };
});

await run.step('login', async () => {
	const { data } = await getUserApi(api).authenticateUserByName({ authenticateUserByName: { Username: opts.user, Pw: opts.password } });
	check(api.accessToken && api.accessToken === data.AccessToken, 'the SDK keeps the token', { token: api.accessToken });
	state.userId = data.User.Id;
	await getUserApi(other).authenticateUserByName({ authenticateUserByName: { Username: opts.user, Pw: opts.password } });
	check(other.accessToken && other.accessToken !== api.accessToken, 'a second device gets its own token', {});
	return { userId: state.userId, admin: data.User.Policy.IsAdministrator };
});

await run.step('views', async () => {
	const { data } = await getUserViewsApi(api).getUserViews({ userId: state.userId });
	const movies = data.Items.find((v) => v.CollectionType === 'movies');
	const shows = data.Items.find((v) => v.CollectionType === 'tvshows');
	check(movies && shows && movies.Type === 'CollectionFolder', 'a movies and a tvshows view', data.Items);
	state.moviesView = movies.Id;
	state.showsView = shows.Id;
	return data.Items.map((v) => ({ name: v.Name, type: v.CollectionType }));
});

await run.step('items-paging', async () => {
	const items = getItemsApi(api);
	const query = { userId: state.userId, parentId: state.moviesView, recursive: true, includeItemTypes: ['Movie'], sortBy: ['SortName'], sortOrder: ['Ascending'], fields: ['Overview', 'MediaSources'], limit: 1 };
	const first = (await items.getItems({ ...query, startIndex: 0 })).data;
	const second = (await items.getItems({ ...query, startIndex: 1 })).data;
	check(first.TotalRecordCount >= 2 && first.Items.length === 1 && second.Items.length === 1 && first.Items[0].Id !== second.Items[0].Id && second.StartIndex === 1,
		'two pages of one movie each', { first, second });
	check(first.Items[0].MediaSources && first.Items[0].MediaSources.length > 0, 'Fields=MediaSources gives sources', first.Items[0]);
	const all = (await items.getItems({ ...query, limit: 50, startIndex: 0 })).data;
	const movie = all.Items.find((m) => m.Name === opts.movie);
	check(movie, `the movie ${opts.movie}`, all.Items.map((m) => m.Name));
	state.movie = movie;
	return { total: first.TotalRecordCount, names: all.Items.map((m) => m.Name) };
});

await run.step('detail', async () => {
	const { data } = await getUserLibraryApi(api).getItem({ itemId: state.movie.Id, userId: state.userId });
	const src = data.MediaSources && data.MediaSources[0];
	check(data.Type === 'Movie' && src && src.MediaStreams.some((s) => s.Type === 'Video') && src.MediaStreams.some((s) => s.Type === 'Audio') && data.UserData,
		'a movie with a source, video and audio streams, and user data', data);
	check(data.ImageTags && data.ImageTags.Primary, 'a primary image tag', data.ImageTags);
	state.detail = data;
	return { runTimeTicks: data.RunTimeTicks, streams: src.MediaStreams.map((s) => `${s.Index}:${s.Type}:${s.Codec}`) };
});

await run.step('image', async () => {
	const url = getImageApi(api).getItemImageUrl(state.detail, 'Primary', { fillWidth: 120, quality: 90 });
	const res = await get(url, 'arraybuffer');
	check(res.status === 200 && /^image\//.test(res.headers['content-type']) && res.data.byteLength > 100, 'the poster, resized', { status: res.status, type: res.headers['content-type'] });
	return { url, type: res.headers['content-type'], bytes: res.data.byteLength };
});

// A 1×1 PNG, base64-encoded as Jellyfin's clients upload pictures (the body is the text).
const ONE_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

// The admin's image editor through ImageApi: an upload becomes the poster, the image route
// serves it by its new tag, and deleting it brings the old poster back. With no metadata
// provider configured, RemoteImageApi offers nothing.
await run.step('image-edit', async () => {
	const images = getImageApi(api);
	const itemId = state.movie.Id;
	const tagOf = async () => (await getUserLibraryApi(api).getItem({ itemId, userId: state.userId })).data.ImageTags?.Primary;
	const before = await tagOf();
	await images.setItemImage({ itemId, imageType: 'Primary', body: ONE_PIXEL_PNG });
	const uploaded = await tagOf();
	check(uploaded && uploaded !== before, 'a new primary tag after the upload', { before, uploaded });
	const infos = (await images.getItemImageInfos({ itemId })).data;
	const primary = infos.find((i) => i.ImageType === 'Primary');
	check(primary && primary.ImageTag === uploaded && primary.Width === 1 && primary.Height === 1, 'the editor lists the upload', infos);
	const res = await get(images.getItemImageUrlById(itemId, 'Primary', { tag: uploaded }), 'arraybuffer');
	check(res.status === 200 && /^image\//.test(res.headers['content-type']), 'the upload is served', { status: res.status });
	const remote = (await getRemoteImageApi(api).getRemoteImages({ itemId, type: 'Primary' })).data;
	const providers = (await getRemoteImageApi(api).getRemoteImageProviders({ itemId })).data;
	check(remote.TotalRecordCount === 0 && remote.Images.length === 0 && providers.length === 0, 'no providers, no remote pictures', { remote, providers });
	await images.deleteItemImage({ itemId, imageType: 'Primary', imageIndex: 0 });
	const after = await tagOf();
	check(after === before, 'the old poster is back after the delete', { before, after });
	return { before, uploaded, after, infos: infos.map((i) => `${i.ImageType}:${i.Width}x${i.Height}`) };
});

// A browser-like profile: H.264/AAC in MP4 or Matroska plays directly.
const directProfile = {
	MaxStreamingBitrate: 120_000_000,
	DirectPlayProfiles: [{ Container: 'mp4,m4v,mkv', Type: 'Video', VideoCodec: 'h264', AudioCodec: 'aac,mp3' }],
	TranscodingProfiles: [{ Container: 'ts', Type: 'Video', VideoCodec: 'h264', AudioCodec: 'aac', Protocol: 'hls', Context: 'Streaming', MaxAudioChannels: '2', MinSegments: 1, BreakOnNonKeyFrames: true }],
	SubtitleProfiles: [{ Format: 'vtt', Method: 'External' }],
	CodecProfiles: [], ContainerProfiles: [],
};
// A device that plays only HEVC in MP4: the H.264 Matroska file must be transcoded.
const transcodeProfile = {
	MaxStreamingBitrate: 8_000_000,
	DirectPlayProfiles: [{ Container: 'mp4', Type: 'Video', VideoCodec: 'hevc', AudioCodec: 'aac' }],
	TranscodingProfiles: [{ Container: 'ts', Type: 'Video', VideoCodec: 'h264', AudioCodec: 'aac', Protocol: 'hls', Context: 'Streaming', MaxAudioChannels: '2', MinSegments: 1, BreakOnNonKeyFrames: true }],
	SubtitleProfiles: [{ Format: 'vtt', Method: 'External' }],
	CodecProfiles: [], ContainerProfiles: [],
};

await run.step('playbackinfo-direct', async () => {
	const { data } = await getMediaInfoApi(api).getPostedPlaybackInfo({ itemId: state.movie.Id, playbackInfoDto: { UserId: state.userId, MaxStreamingBitrate: 120_000_000, DeviceProfile: directProfile, AutoOpenLiveStream: true } });
	const src = data.MediaSources[0];
	check(/^[0-9a-f]{32}$/.test(data.PlaySessionId) && src.SupportsDirectPlay && !src.TranscodingUrl, 'direct play, no transcoding URL', data);
	const url = api.getUri(`/Videos/${state.movie.Id}/stream.${src.Container}`, { static: true, mediaSourceId: src.Id, ApiKey: api.accessToken, Tag: src.ETag });
	const res = await get(url, 'arraybuffer', { Range: 'bytes=0-1023' });
	check(res.status === 206 && res.data.byteLength === 1024 && /^bytes 0-1023\/\d+$/.test(res.headers['content-range']), 'a range of the file', { status: res.status, range: res.headers['content-range'] });
	return { container: src.Container, size: src.Size, range: res.headers['content-range'] };
});

await run.step('playbackinfo-transcode', async () => {
	const { data } = await getMediaInfoApi(api).getPostedPlaybackInfo({ itemId: state.movie.Id, playbackInfoDto: { UserId: state.userId, MaxStreamingBitrate: 8_000_000, DeviceProfile: transcodeProfile, AutoOpenLiveStream: true } });
	const src = data.MediaSources[0];
	check(!src.SupportsDirectPlay && src.TranscodingUrl && src.TranscodingSubProtocol === 'hls', 'an HLS transcoding URL', data);
	const master = await get(src.TranscodingUrl);
	check(master.status === 200 && master.data.startsWith('#EXTM3U') && master.data.includes('#EXT-X-STREAM-INF'), 'a master playlist', { status: master.status, body: String(master.data).slice(0, 500) });
	const masterURL = new URL(src.TranscodingUrl, opts.base);
	const variant = master.data.split('\n').find((l) => l && !l.startsWith('#'));
	const mediaURL = new URL(variant, masterURL);
	const media = await get(mediaURL.toString());
	check(media.status === 200 && media.data.includes('#EXTINF') && media.data.includes('#EXT-X-ENDLIST'), 'a VOD media playlist', { status: media.status, body: String(media.data).slice(0, 500) });
	const lines = media.data.split('\n');
	const map = lines.find((l) => l.startsWith('#EXT-X-MAP:'));
	const firstSeg = lines.find((l) => l && !l.startsWith('#'));
	const seg = await get(new URL(firstSeg, mediaURL).toString(), 'arraybuffer');
	check(seg.status === 200 && seg.data.byteLength > 1000, 'the first segment', { status: seg.status, bytes: seg.data.byteLength, url: firstSeg });
	run.result.playback = { transcodingUrl: masterURL.toString() };
	return { transcodingUrl: src.TranscodingUrl, variant, firstSegment: firstSeg, init: map || null, segmentBytes: seg.data.byteLength };
});

await run.step('progress-across-devices', async () => {
	const ps = getPlaystateApi(api);
	const id = state.movie.Id;
	const session = 'a'.repeat(32);
	await ps.reportPlaybackStart({ playbackStartInfo: { ItemId: id, PlaySessionId: session, PositionTicks: 0, CanSeek: true, PlayMethod: 'DirectPlay' } });
	await ps.reportPlaybackProgress({ playbackProgressInfo: { ItemId: id, PlaySessionId: session, PositionTicks: 12 * TICKS, IsPaused: true, PlayMethod: 'DirectPlay' } });
	const { data } = await getUserLibraryApi(other).getItem({ itemId: id, userId: state.userId });
	check(data.UserData.PlaybackPositionTicks === 12 * TICKS && !data.UserData.Played, 'the other device resumes at 12 s', data.UserData);
	const resume = (await getItemsApi(other).getResumeItems({ userId: state.userId, mediaTypes: ['Video'] })).data;
	check(resume.Items.some((i) => i.Id === id), 'the movie is in the other device\'s resume list', resume.Items.map((i) => i.Name));
	// Stopped at 15 s of a 40 s film: under Jellyfin's 300 s minimum for a resume point, so it
	// counts as played, with no resume point left.
	await ps.reportPlaybackStopped({ playbackStopInfo: { ItemId: id, PlaySessionId: session, PositionTicks: 15 * TICKS } });
	const after = (await getUserLibraryApi(other).getItem({ itemId: id, userId: state.userId })).data.UserData;
	check(after.Played && after.PlayCount === 1 && after.PlaybackPositionTicks === 0, 'a short film stopped counts as played', after);
	return { position: data.UserData.PlaybackPositionTicks / TICKS, resume: resume.Items.map((i) => i.Name), afterStop: after };
});

await run.step('favorite', async () => {
	const { data } = await getUserLibraryApi(api).markFavoriteItem({ itemId: state.movie.Id, userId: state.userId });
	check(data.IsFavorite === true, 'IsFavorite', data);
	const favs = (await getItemsApi(other).getItems({ userId: state.userId, recursive: true, filters: ['IsFavorite'] })).data;
	check(favs.Items.length === 1 && favs.Items[0].Id === state.movie.Id, 'one favourite', favs.Items.map((i) => i.Name));
	return { favorites: favs.Items.map((i) => i.Name) };
});

await run.step('played', async () => {
	const ps = getPlaystateApi(api);
	const un = (await ps.markUnplayedItem({ itemId: state.movie.Id, userId: state.userId })).data;
	check(un.Played === false && un.PlaybackPositionTicks === 0, 'unplayed', un);
	const { data } = await ps.markPlayedItem({ itemId: state.movie.Id, userId: state.userId });
	check(data.Played === true && data.PlayCount >= 1, 'played', data);
	const unplayed = (await getItemsApi(api).getItems({ userId: state.userId, parentId: state.moviesView, recursive: true, includeItemTypes: ['Movie'], isPlayed: false })).data;
	check(!unplayed.Items.some((i) => i.Id === state.movie.Id), 'gone from the unplayed list', unplayed.Items.map((i) => i.Name));
	return { playCount: data.PlayCount };
});

await run.step('search', async () => {
	const term = opts.movie.split(' ')[0].toLowerCase();
	const { data } = await getSearchApi(api).getSearchHints({ searchTerm: term, userId: state.userId });
	check(data.SearchHints.some((h) => h.Name === opts.movie), `"${term}" finds ${opts.movie}`, data);
	const items = (await getItemsApi(api).getItems({ userId: state.userId, searchTerm: term, recursive: true, includeItemTypes: ['Movie'] })).data;
	check(items.Items.some((i) => i.Name === opts.movie), 'and so does /Items?searchTerm', items.Items.map((i) => i.Name));
	return { hints: data.SearchHints.map((h) => h.Name) };
});

await run.step('next-up', async () => {
	const tv = getTvShowsApi(api);
	const series = (await getItemsApi(api).getItems({ userId: state.userId, parentId: state.showsView, recursive: true, includeItemTypes: ['Series'] })).data;
	const show = series.Items.find((s) => s.Name === opts.show);
	check(show, `the series ${opts.show}`, series.Items.map((s) => s.Name));
	const seasons = (await tv.getSeasons({ seriesId: show.Id, userId: state.userId })).data;
	const episodes = (await tv.getEpisodes({ seriesId: show.Id, userId: state.userId, seasonId: seasons.Items[0].Id })).data;
	check(episodes.Items.length >= 2 && episodes.Items[0].IndexNumber === 1 && episodes.Items[1].IndexNumber === 2, 'episodes 1 and 2 in order', episodes.Items);
	await getPlaystateApi(api).markPlayedItem({ itemId: episodes.Items[0].Id, userId: state.userId });
	const next = (await tv.getNextUp({ userId: state.userId })).data;
	check(next.Items.length >= 1 && next.Items[0].Id === episodes.Items[1].Id && next.Items[0].SeriesName === opts.show, 'next up is episode 2', next.Items);
	return { nextUp: next.Items.map((i) => `${i.SeriesName} S${i.ParentIndexNumber}E${i.IndexNumber}`) };
});

// Profiles: a user made and shown by the admin, listed anonymously, who sets French audio and
// subtitles (UserConfiguration) and is capped at 100 kb/s (UserPolicy): PlaybackInfo then picks
// the French tracks and transcodes what it would have played directly.
await run.step('profiles', async () => {
	const users = getUserApi(api);
	const name = 'sdk-profile';
	const password = 'sdk-profile-password';
	const created = (await users.createUserByName({ createUserByName: { Name: name, Password: password } })).data;
	check(created.Name === name && created.HasPassword && created.Policy.IsHidden && !created.Policy.IsAdministrator, 'a new user, hidden as in Jellyfin', created);
	const anon = getUserApi(client('sdk-anonymous'));
	let listed = (await anon.getPublicUsers()).data;
	check(!listed.some((u) => u.Id === created.Id), 'a hidden user is not listed', listed.map((u) => u.Name));
	await users.updateUserPolicy({ userId: created.Id, userPolicy: { ...created.Policy, IsHidden: false, RemoteClientBitrateLimit: 100_000 } });
	listed = (await anon.getPublicUsers()).data;
	check(listed.some((u) => u.Id === created.Id && u.Configuration && u.Policy && !u.Policy.IsHidden), 'listed to anyone once shown, as a UserDto', listed);

	const profile = client('sdk-device-3');
	await getUserApi(profile).authenticateUserByName({ authenticateUserByName: { Username: name, Pw: password } });
	const me = (await getUserApi(profile).getCurrentUser()).data;
	await getUserApi(profile).updateUserConfiguration({ userConfiguration: { ...me.Configuration, AudioLanguagePreference: 'fre',
		PlayDefaultAudioTrack: false, SubtitleLanguagePreference: 'fre', SubtitleMode: 'Always' } });
	const after = (await getUserApi(profile).getCurrentUser()).data;
	check(after.Configuration.AudioLanguagePreference === 'fre' && after.Configuration.SubtitleMode === 'Always' &&
		after.Policy.RemoteClientBitrateLimit === 100_000, 'the configuration and policy read back', after);

	const streams = state.detail.MediaSources[0].MediaStreams;
	const french = (s) => ['fre', 'fra', 'fr'].includes((s.Language || '').toLowerCase());
	const audio = streams.find((s) => s.Type === 'Audio' && french(s));
	const sub = streams.find((s) => s.Type === 'Subtitle' && french(s) && !s.IsForced);
	check(audio && sub, 'the movie has French audio and subtitles', streams);
	const { data } = await getMediaInfoApi(profile).getPostedPlaybackInfo({ itemId: state.movie.Id,
		playbackInfoDto: { MaxStreamingBitrate: 120_000_000, DeviceProfile: directProfile, AutoOpenLiveStream: true } });
	const src = data.MediaSources[0];
	check(src.DefaultAudioStreamIndex === audio.Index && src.DefaultSubtitleStreamIndex === sub.Index, 'French audio and subtitles by default',
		{ audio: src.DefaultAudioStreamIndex, subtitle: src.DefaultSubtitleStreamIndex, want: [audio.Index, sub.Index] });
	const url = src.TranscodingUrl ? new URL(src.TranscodingUrl, opts.base) : null;
	check(!src.SupportsDirectPlay && url && /ContainerBitrateExceedsLimit/.test(url.searchParams.get('TranscodeReasons')) &&
		url.searchParams.get('AudioStreamIndex') === String(audio.Index), 'the cap transcodes, with the French track', src);

	await users.deleteUser({ userId: created.Id });
	const status = await users.getUserById({ userId: created.Id }).then(() => 200, (e) => e.response?.status);
	check(status === 404, 'the user is deleted', { status });
	return { audio: audio.Index, subtitle: sub.Index, transcodeReasons: url.searchParams.get('TranscodeReasons') };
});

await run.finish();
log('done');
