// The parts of starkbank-ecdsa (SendGrid's own ECDSA library) the tests use to sign like SendGrid.
declare module 'starkbank-ecdsa' {
	export class PublicKey {
		toPem(): string;
	}
	export class PrivateKey {
		publicKey(): PublicKey;
	}
	export class Signature {
		toBase64(): string;
	}
	export const Ecdsa: { sign(message: string, privateKey: PrivateKey): Signature };
}
