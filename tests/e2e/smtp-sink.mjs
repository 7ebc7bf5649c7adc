// A mail server on loopback that accepts every message and keeps it, so a test can read what
// the endpoint e-mailed. It speaks just enough SMTP (RFC 5321) for one client at a time.
import net from 'node:net';

export async function startSmtpSink() {
  const messages = [];
  const server = net.createServer((socket) => {
    socket.setEncoding('latin1');
    let buffer = '';
    let data = null;
    let envelope = { from: '', to: [] };
    const reply = (line) => socket.write(`${line}\r\n`);
    reply('220 sink ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk;
      for (;;) {
        if (data !== null) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          data += buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          messages.push({ ...envelope, data: data.replace(/^\.\./gm, '.') });
          data = null;
          envelope = { from: '', to: [] };
          reply('250 kept');
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 sink');
        else if (verb === 'MAIL') { envelope.from = line.slice(10).trim(); reply('250 ok'); }
        else if (verb === 'RCPT') { envelope.to.push(line.slice(8).trim()); reply('250 ok'); }
        else if (verb === 'DATA') { data = ''; reply('354 go on'); }
        else if (verb === 'QUIT') { reply('221 bye'); socket.end(); return; }
        else reply('250 ok');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    messages,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
