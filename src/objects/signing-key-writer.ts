/** The one writer of access-token signing keys, so two rotations never race. */
import { rotateSigningKeys } from "../oauth/keys";
import { configOf, keyEncryptionSecret } from "../shared/config";
import { WriterObject } from "../writer/writer-object";

export class SigningKeyWriter extends WriterObject {
  /** Rotates the signing keys when due (and makes the first one). */
  rotateSigningKeys(now: number): Promise<void> {
    return this.serialize(() => rotateSigningKeys(this.env.DB, keyEncryptionSecret(configOf(this.env)), new Date(now)));
  }
}
