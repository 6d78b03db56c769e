/**
 * The public half of the vendor's release key: an update is installed only when its signature
 * verifies with this key. The private half never enters the repository; the release tool reads it
 * from a file or the environment (README, "Updates"). A new key pair is made with
 * `npm run release:keygen`; its public key replaces this one in the next release, which must
 * itself still be signed with the old key.
 */
export const RELEASE_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAas7DlKrdThJpIPfptq6C7jue+65wxgg9flAJdhhtFXk=
-----END PUBLIC KEY-----
`;
