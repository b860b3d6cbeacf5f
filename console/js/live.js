// Live updates over Server-Sent Events (GET /api/v1/stream). EventSource reconnects by itself
// after a dropped connection (a daemon restart), honouring the stream's `retry:`; when the server
// answers something else (an error status while it starts, or a daemon without the stream) the
// browser gives up, so we open a new one after a growing pause. Every reopening asks the page to
// re-sync, since frames sent while we were away are not replayed to a new EventSource.
const KINDS = ['event', 'notification', 'job'];

export class LiveStream {
  // onFrame(kind, data); onResync(); onState('connecting' | 'live' | 'reconnecting' | 'off')
  constructor({ onFrame, onResync, onState }) {
    this.onFrame = onFrame;
    this.onResync = onResync;
    this.onState = onState;
    this.source = null;
    this.timer = null;
    this.delay = 2000;
    this.lost = false;
  }

  start() {
    this.stop();
    this.onState(this.lost ? 'reconnecting' : 'connecting');
    const es = new EventSource('/api/v1/stream', { withCredentials: true });
    this.source = es;
    for (const kind of KINDS) {
      es.addEventListener(kind, e => {
        let data;
        try { data = JSON.parse(e.data); } catch { return; }
        this.onFrame(kind, data);
      });
    }
    es.addEventListener('open', () => {
      this.delay = 2000;
      this.onState('live');
      if (this.lost) this.onResync();
      this.lost = false;
    });
    es.addEventListener('error', () => {
      if (this.source !== es) return;
      this.lost = true;
      if (es.readyState === EventSource.CLOSED) {
        this.onState('off');
        this.timer = setTimeout(() => this.start(), this.delay);
        this.delay = Math.min(this.delay * 2, 30000);
      } else {
        this.onState('reconnecting');
      }
    });
  }

  stop() {
    clearTimeout(this.timer);
    if (this.source) this.source.close();
    this.source = null;
  }
}
