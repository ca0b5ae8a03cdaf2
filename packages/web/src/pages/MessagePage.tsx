export function MessagePage(props: { title: string; text: string }) {
  return (
    <main className="card">
      <h1 className="card__title">{props.title}</h1>
      <p className="card__text">{props.text}</p>
    </main>
  );
}
