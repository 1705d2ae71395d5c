// make bench's Node comparison: a plain node:http server that answers every
// request with an RSS 2.0 feed built by the feed package (jpmonette/feed)
// from the articles in the JSON file named by its first argument, built
// anew per request, as a Node feed endpoint without a cache does. It
// listens on 127.0.0.1 on an ephemeral port and prints that port as its
// first line of output.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { Feed } from "feed";

const src = JSON.parse(readFileSync(process.argv[2], "utf8"));

function rss() {
  const feed = new Feed({
    title: src.title,
    id: src.link,
    link: src.link,
    description: src.description,
    language: src.language,
    copyright: src.copyright || "",
    updated: new Date(src.updated),
  });
  for (const it of src.items) {
    feed.addItem({
      title: it.title,
      id: it.guid,
      link: it.link,
      description: it.description,
      content: it.content,
      date: new Date(it.date),
      author: it.author ? [{ name: it.author }] : undefined,
      category: (it.categories || []).map((name) => ({ name })),
    });
  }
  return feed.rss2();
}

const server = createServer((req, res) => {
  const body = Buffer.from(rss(), "utf8");
  res.writeHead(200, {
    "Content-Type": "application/rss+xml; charset=utf-8",
    "Content-Length": body.length,
  });
  res.end(req.method === "HEAD" ? undefined : body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  console.log(server.address().port);
});
