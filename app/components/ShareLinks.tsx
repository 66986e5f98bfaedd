// "Spread the word": plain links, no third-party scripts or trackers.
export function ShareLinks({ url, title }: { url: string; title: string }) {
  const u = encodeURIComponent(url);
  const t = encodeURIComponent(title);
  const links = [
    { name: "X", href: `https://x.com/intent/post?url=${u}&text=${t}` },
    { name: "LinkedIn", href: `https://www.linkedin.com/sharing/share-offsite/?url=${u}` },
    { name: "Facebook", href: `https://www.facebook.com/sharer/sharer.php?u=${u}` },
    { name: "Email", href: `mailto:?subject=${t}&body=${u}` },
  ];
  return (
    <section className="share" aria-labelledby="share-heading">
      <h2 id="share-heading" className="share__heading">
        Spread the word:
      </h2>
      <ul className="share__list">
        {links.map((link) => (
          <li key={link.name}>
            <a
              href={link.href}
              {...(link.name === "Email" ? {} : { target: "_blank", rel: "noopener noreferrer nofollow" })}
            >
              {link.name === "Email" ? "Share by email" : `Share on ${link.name}`}
              {link.name === "Email" ? null : <span className="visually-hidden"> (opens in a new tab)</span>}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
