/**
 * The HTTP ceiling for the submission bench: Express 5 parsing the same JSON body and answering 202,
 * with no validation and no Redis. `PORT` sets the port.
 */
import express from 'express';

const app = express();
app.use(express.json({ limit: '10mb' }));
let next = 0;
app.post('/v1/jobs', (_request, response) => {
  next += 1;
  response.status(202).json({ id: String(next), state: 'waiting' });
});
app.get('/readyz', (_request, response) => {
  response.json({ status: 'ready' });
});
app.listen(Number(process.env.PORT), '127.0.0.1');
