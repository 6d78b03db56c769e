import { connectApi } from './helpers/wsClient';
const url = process.argv[2]!;
const { api, close } = connectApi(url, new URL(url).origin);
const s = await api.session.signIn({ practitionerId: 'practitioner-2' });
console.log('signed', s.roomId);
console.log(await api.devices.saveForRoom({ roomId: 'room-2', camera: { deviceId: 'abc', label: 'fake_device_0' }, microphone: { deviceId: 'x', label: 'Fake Audio Input 1' }, speaker: null }));
console.log(await api.devices.forRoom({ roomId: 'room-2' }));
console.log(await api.screen.keepAwake({ on: true }));
await close();
