// Reads a share page as three unfurlers do and prints what each finds:
// title, description, image and author. Exits 1 when one of them misses
// the title or the image, or the author when the page names one
// (<meta name="author">: a byline or a source). Usage: node check.mjs SHARE_URL
import createMetascraper from 'metascraper'
import msAuthor from 'metascraper-author'
import msDescription from 'metascraper-description'
import msImage from 'metascraper-image'
import msTitle from 'metascraper-title'
import ogs from 'open-graph-scraper'
import { unfurl } from 'unfurl.js'

const url = process.argv[2]
if (!url) {
  console.error('usage: node check.mjs SHARE_URL')
  process.exit(2)
}
// A crawler's User-Agent: the share page serves crawlers the metadata
// page without the redirect a person gets.
const userAgent = 'facebookexternalhit/1.1'
const res = await fetch(url, { headers: { 'User-Agent': userAgent } })
if (!res.ok) {
  console.error(`GET ${url}: ${res.status}`)
  process.exit(1)
}
const html = await res.text()

const metascraper = createMetascraper([msAuthor(), msDescription(), msImage(), msTitle()])
const ms = await metascraper({ html, url })
const og = (await ogs({ html })).result
const uf = await unfurl(url, { userAgent, oembed: true })

const found = {
  metascraper: { title: ms.title, description: ms.description, image: ms.image, author: ms.author },
  'open-graph-scraper': {
    title: og.ogTitle, description: og.ogDescription, image: og.ogImage?.[0]?.url,
    author: og.author ?? og.articleAuthor,
  },
  'unfurl.js': {
    title: uf.title ?? uf.open_graph?.title, description: uf.description ?? uf.open_graph?.description,
    image: uf.open_graph?.images?.[0]?.url, author: uf.author ?? uf.oEmbed?.author_name,
  },
}
const expectAuthor = /<meta name="author" /.test(html)
let missing = 0
for (const [tool, f] of Object.entries(found)) {
  for (const k of expectAuthor ? ['title', 'image', 'author'] : ['title', 'image']) {
    if (!f[k]) {
      console.error(`${tool}: no ${k}`)
      missing++
    }
  }
}
console.log(JSON.stringify(found, null, 2))
process.exit(missing ? 1 : 0)
