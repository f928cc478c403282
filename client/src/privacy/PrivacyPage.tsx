// What Parley stores and why, in plain language, generated at build time from
// docs/data-inventory.md (the same file a test compares with the database
// schema), so this page cannot say something the database does not do.
import type { InlineText } from '@parley/shared/privacy';
import inventory from 'virtual:data-inventory';
import { Card, Notice } from '../ui/Card.js';
import styles from './PrivacyPage.module.css';

function Text({ text }: { text: InlineText }) {
  return (
    <>{text.map((part, i) => (part.code ? <code key={i}>{part.text}</code> : <span key={i}>{part.text}</span>))}</>
  );
}

export function PrivacyPage() {
  return (
    <article className={styles.page} aria-labelledby="privacy-title">
      <h1 id="privacy-title">What Parley stores, and why</h1>
      <Notice tone="success">
        <p>
          <strong>In short:</strong> an account is a username, a password hash and an authenticator secret. Calls are
          end-to-end encrypted in your browser; the server forwards them but cannot see or hear them, and keeps no call
          history. No e-mail, no phone number, no real name, no IP addresses, no analytics, no third parties.
        </p>
      </Notice>
      {inventory.intro.map((paragraph, i) => (
        <p key={i}>
          <Text text={paragraph} />
        </p>
      ))}
      {inventory.tables.map((table) => (
        <Card key={table.name} className={styles.section} aria-labelledby={`table-${table.name}`}>
          <h2 id={`table-${table.name}`}>
            {table.title} <code className={styles.tableName}>{table.name}</code>
          </h2>
          {table.paragraphs.map((paragraph, i) => (
            <p key={i}>
              <Text text={paragraph} />
            </p>
          ))}
          <div className={styles.scroll}>
            <table className={styles.table}>
              <caption className="visually-hidden">What the {table.name} table holds</caption>
              <thead>
                <tr>
                  <th scope="col">Stored</th>
                  <th scope="col">Why</th>
                  <th scope="col">How long</th>
                </tr>
              </thead>
              <tbody>
                {table.columns.map((column) => (
                  <tr key={column.name}>
                    <th scope="row">
                      <code>{column.name}</code>
                    </th>
                    <td>
                      <Text text={column.purpose} />
                    </td>
                    <td>
                      <Text text={column.retention} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      ))}
      {inventory.others.map((other) => (
        <Card key={other.title} className={styles.section} aria-label={other.title}>
          <h2>{other.title}</h2>
          {other.paragraphs.map((paragraph, i) => (
            <p key={i}>
              <Text text={paragraph} />
            </p>
          ))}
          <ul>
            {other.items.map((item, i) => (
              <li key={i}>
                <Text text={item} />
              </li>
            ))}
          </ul>
        </Card>
      ))}
      <p className={styles.source}>
        This page is generated from Parley’s data inventory, which an automated test compares with the real database
        schema. Logged in, you can download everything stored about you from your account page, and delete it there.
      </p>
    </article>
  );
}
