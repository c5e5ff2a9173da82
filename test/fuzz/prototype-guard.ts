/** The own property descriptors of the built-in prototypes a polluting write would land on. */
export type PrototypeSnapshot = Map<object, Map<PropertyKey, PropertyDescriptor>>;

const GUARDED: readonly object[] = [Object.prototype, Array.prototype, Function.prototype, String.prototype];

/** Records the built-in prototypes as they are now. */
export function snapshotPrototypes(): PrototypeSnapshot {
  return new Map(
    GUARDED.map((proto) => [
      proto,
      new Map(Reflect.ownKeys(proto).map((key) => [key, Reflect.getOwnPropertyDescriptor(proto, key)!])),
    ]),
  );
}

/** Throws if any guarded prototype gained, lost or changed a property since the snapshot. */
export function assertPrototypesUntouched(snapshot: PrototypeSnapshot): void {
  for (const [proto, before] of snapshot) {
    const keys = Reflect.ownKeys(proto);
    for (const key of keys) {
      const was = before.get(key);
      const now = Reflect.getOwnPropertyDescriptor(proto, key)!;
      if (!was || was.value !== now.value || was.get !== now.get || was.set !== now.set) {
        throw new Error(`prototype polluted: ${String(key)} changed on ${proto.constructor?.name}.prototype`);
      }
    }
    if (keys.length !== before.size) throw new Error(`prototype lost properties: ${proto.constructor?.name}`);
  }
  if (Object.getPrototypeOf({}) !== Object.prototype) throw new Error('the prototype of {} was replaced');
}
