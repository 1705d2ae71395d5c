// A fediverse peer made with Fedify, an ActivityPub framework nobody here
// wrote: its account "ana" follows the newsroom's actor (OUR_ACTOR), and
// everything it receives is checked by Fedify (HTTP Signatures against the
// newsroom's published key, Digest, the activity's shape) before this
// script sees it. Fedify signs its Follow with RFC 9421 HTTP Message
// Signatures (its first knock, falling back to draft-cavage only if the
// inbox refuses); the peer then signs a Like with draft-cavage and an
// RFC 9421 Like whose body it changes after signing, both with Fedify's
// signRequest. It reports on stdout, one line each, prefixed FEDIPEER:
//   ready <base URL>          listening
//   multikey <json>           {id, raw}: the Ed25519 Multikey's id and its
//                             public key, base64 of the raw 32 bytes
//   note <json>               the story's Note as Fedify parsed it (NOTE_URL)
//   followed <follow id>      the Follow was delivered (our inbox said 2xx)
//   sent <json>               {spec, id, status} of each signRequest POST
//   accept <follow id>        our Accept arrived, signed, for that Follow
//   create <json>             a Create arrived, signed, with its Note
//   error <message>           anything that went wrong
// Run by internal/httpapi/fediapi's TestInteropWithFedify.
import http from "node:http";
import {
  Accept, Create, Endpoints, Follow, Hashtag, Image, Like, MemoryKvStore, Note, Person,
  createFederation, generateCryptoKeyPair, signRequest,
} from "@fedify/fedify";

const ourActor = process.env.OUR_ACTOR;
const noteURL = process.env.NOTE_URL;
const say = (kind, v) => process.stdout.write(`FEDIPEER ${kind} ${typeof v === "string" ? v : JSON.stringify(v)}\n`);

// RSA signs HTTP requests (Fedify signs with no other); the Ed25519 pair
// is published as a Multikey under assertionMethod, as Fedify does for
// Object Integrity Proofs, for the newsroom to read.
const keys = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
const edKeys = await generateCryptoKeyPair("Ed25519");
// firstKnock is Fedify's default since 1.7; named so the test's premise
// does not hang on a default.
const federation = createFederation({ kv: new MemoryKvStore(), allowPrivateAddress: true, firstKnock: "rfc9421" });

federation.setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
  if (identifier !== "ana") return null;
  const pairs = await ctx.getActorKeyPairs(identifier);
  return new Person({
    id: ctx.getActorUri(identifier), preferredUsername: identifier, name: "Ана",
    inbox: ctx.getInboxUri(identifier), endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    publicKey: pairs[0].cryptographicKey, assertionMethods: pairs.map((p) => p.multikey),
  });
}).setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === "ana" ? [keys, edKeys] : []));

federation.setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Accept, async (_ctx, accept) => {
    // The Follow is named by its id: Fedify (1.9+) would fetch an object
    // embedded from another origin again, and this peer keeps no follows.
    if (accept.actorId?.href !== ourActor) return say("error", `Accept from ${accept.actorId?.href}`);
    say("accept", accept.objectId?.href ?? "");
  })
  .on(Create, async (_ctx, create) => {
    const note = await create.getObject();
    if (!(note instanceof Note)) return say("error", "Create of something other than a Note");
    say("create", await describe(note, create));
  })
  .onError((_ctx, err) => say("error", String(err)));

async function describe(note, create) {
  const tags = [];
  for await (const t of note.getTags()) if (t instanceof Hashtag) tags.push(t.name?.toString());
  const images = [];
  for await (const a of note.getAttachments()) if (a instanceof Image) images.push(a.name?.toString());
  return {
    id: note.id?.href, attributedTo: note.attributionId?.href, content: note.content?.toString(),
    bg: note.contents.find((c) => c.language?.toString() === "bg")?.toString() ?? null,
    url: note.url?.href, published: note.published?.toString(), tags, images,
    to: note.toIds.map((u) => u.href), cc: note.ccIds.map((u) => u.href),
    activity: create?.id?.href ?? null,
  };
}

const server = http.createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method, headers: req.headers, body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    const response = await federation.fetch(request, { contextData: undefined });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (err) {
    say("error", String(err));
    res.writeHead(500).end();
  }
});

server.listen(0, "127.0.0.1", async () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  say("ready", base);
  try {
    const ctx = federation.createContext(new URL(base), undefined);
    const pairs = await ctx.getActorKeyPairs("ana");
    const raw = Buffer.from(await crypto.subtle.exportKey("raw", pairs[1].publicKey)).toString("base64");
    say("multikey", { id: pairs[1].multikey.id.href, raw });
    const note = await ctx.lookupObject(noteURL);
    if (!(note instanceof Note)) throw new Error(`${noteURL} is not a Note to Fedify`);
    say("note", await describe(note, null));
    const recipient = await ctx.lookupObject(ourActor);
    if (recipient?.inboxId == null) throw new Error(`${ourActor} has no inbox to Fedify`);
    const follow = new Follow({ id: new URL(`${base}/follows/1`), actor: ctx.getActorUri("ana"), object: recipient.id });
    await ctx.sendActivity({ identifier: "ana" }, recipient, follow, { immediate: true });
    say("followed", follow.id.href);

    // Signed by hand with Fedify's signRequest: a Like with draft-cavage
    // (the inbox still takes it), and an RFC 9421 Like whose body changes
    // after signing (the inbox must refuse it).
    const [pair] = await ctx.getActorKeyPairs("ana");
    const inbox = recipient.endpoints?.sharedInbox ?? recipient.inboxId;
    const post = async (spec, n, tamper) => {
      const like = new Like({ id: new URL(`${base}/likes/${n}`), actor: ctx.getActorUri("ana"), object: new URL(noteURL) });
      const body = JSON.stringify(await like.toJsonLd({ contextLoader: ctx.contextLoader }));
      let req = new Request(inbox, { method: "POST", headers: { "content-type": "application/activity+json" }, body });
      req = await signRequest(req, pair.privateKey, pair.keyId, { spec });
      if (tamper) req = new Request(req, { body: body.replace(`likes/${n}`, `likes/${n}0`) });
      const res = await fetch(req);
      say("sent", { spec: tamper ? `${spec}-tampered` : spec, id: like.id.href, status: res.status });
    };
    await post("draft-cavage-http-signatures-12", 1, false);
    await post("rfc9421", 2, true);
  } catch (err) {
    say("error", String(err?.stack ?? err));
  }
});

process.on("SIGTERM", () => server.close(() => process.exit(0)));
