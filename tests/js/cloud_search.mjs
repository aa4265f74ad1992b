// The npm `chromadb` client (CloudClient, Search API, fork) end to end against the mock's cloud profile.
// Usage: node cloud_search.mjs <mock base URL, e.g. http://127.0.0.1:8000> <API key>
// Exits 0 when every check holds, 1 (printing what it got) otherwise.
import { CloudClient, ChromaClient, ChromaUnauthorizedError, Search, Knn, K } from "chromadb";

const [baseUrl, apiKey] = process.argv.slice(2);
if (!baseUrl || !apiKey) {
  console.error("usage: node cloud_search.mjs <mock base URL> <API key>");
  process.exit(2);
}
const url = new URL(baseUrl);

const failures = [];
function check(label, got, want) {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) failures.push(`${label}: got ${g}, expected ${w}`);
  else console.log(`ok  ${label}`);
}

// CloudClient as an app builds it. Its constructor forces ssl: true (https://host:port); everything
// else (the x-chroma-token header, tenant/database from auth/identity) is used unchanged. Against
// the plain-HTTP mock only the base URL of its HTTP client is pointed at http://.
const cloud = new CloudClient({ apiKey, host: url.hostname, port: Number(url.port) });
cloud.apiClient.setConfig({ baseUrl: `http://${url.host}` });

// The same wire traffic from a ChromaClient given CloudClient's key header, for plain HTTP.
const plain = new ChromaClient({
  host: url.hostname,
  port: Number(url.port),
  ssl: false,
  headers: { "x-chroma-token": apiKey },
});

async function run(client, name) {
  // Records carry explicit embeddings; no embedding function is downloaded or called.
  const docs = await client.getOrCreateCollection({ name, embeddingFunction: null });
  await docs.add({
    ids: ["a", "b", "c", "d"],
    embeddings: [
      [1.0, 0.0, 0.0],
      [0.9, 0.1, 0.0],
      [0.0, 1.0, 0.0],
      [0.8, 0.0, 0.2],
    ],
    documents: ["apple pie", "banana bread", "cherry tart", "date cake"],
    metadatas: [
      { kind: "fruit", n: 1 },
      { kind: "bread", n: 2 },
      { kind: "fruit", n: 3 },
      { kind: "fruit", n: 4 },
    ],
  });
  check(`${name}: count`, await docs.count(), 4);
  check(`${name}: tenant/database from auth/identity`, [client.tenant, client.database], [
    "default_tenant",
    "default_database",
  ]);

  const search = new Search()
    .where(K("kind").eq("fruit"))
    .rank(Knn({ query: [1.0, 0.0, 0.0], limit: 10 }))
    .select(K.DOCUMENT, K.SCORE, "n")
    .limit(2);
  const result = await docs.search(search);
  check(`${name}: search ids`, result.ids, [["a", "d"]]);
  check(`${name}: search documents`, result.documents, [["apple pie", "date cake"]]);
  check(`${name}: search metadatas (selected key only)`, result.metadatas, [[{ n: 1 }, { n: 4 }]]);
  const scores = result.scores[0] ?? [];
  // L2 squared distances: a is the query itself (0), d is (0.2^2 + 0.2^2) = 0.08 away.
  check(
    `${name}: search scores`,
    scores.map((s) => Math.round(s * 1e6) / 1e6),
    [0, 0.08],
  );
  const rows = result.rows()[0];
  check(`${name}: rows()`, rows.map((r) => [r.id, r.document]), [
    ["a", "apple pie"],
    ["d", "date cake"],
  ]);

  // Two searches in one request, the second with an offset and no filter.
  const batch = await docs.search([
    search,
    new Search().rank(Knn({ query: [0.0, 1.0, 0.0] })).limit(2, 1).select(K.ID),
  ]);
  // Second query: c (0), b (1.62), d (1.68), a (2); offset 1 -> b, d.
  check(`${name}: batch ids`, batch.ids, [["a", "d"], ["b", "d"]]);

  const copy = await docs.fork({ name: `${name}-copy` });
  check(`${name}: fork count`, await copy.count(), 4);
  check(`${name}: forkCount`, [await docs.forkCount(), await copy.forkCount()], [1, 1]);
  await copy.delete({ ids: ["a"] });
  const after = await copy.search(search);
  check(`${name}: search on the fork after a delete`, after.ids, [["d", "c"]]);
  check(`${name}: source untouched`, await docs.count(), 4);
}

try {
  // Without a key the cloud profile answers 401, which the client raises as ChromaUnauthorizedError.
  const keyless = new ChromaClient({ host: url.hostname, port: Number(url.port), ssl: false });
  try {
    await keyless.listCollections();
    failures.push("keyless client: listCollections succeeded, expected a 401");
  } catch (err) {
    // (the class's `name` is "ChromaAuthError")
    check("keyless client: raises ChromaUnauthorizedError", err instanceof ChromaUnauthorizedError, true);
    if (!(err instanceof ChromaUnauthorizedError)) failures.push(`keyless client: ${err}`);
  }
  // A per-run suffix, so the script can be run again against the same mock.
  const suffix = Date.now().toString(36);
  await run(cloud, `js-cloud-${suffix}`);
  await run(plain, `js-plain-${suffix}`);
} catch (err) {
  failures.push(`exception: ${err?.name}: ${err?.message}\n${err?.stack ?? ""}`);
}
if (failures.length) {
  console.error(`FAILED (${failures.length}):\n` + failures.join("\n"));
  process.exit(1);
}
console.log("all checks passed");
