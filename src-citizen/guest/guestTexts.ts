/** The relative's page speaks Danish: short sentences, no jargon. */
export const guestTexts = {
  heading: 'Skærmbesøg',
  noLink: 'Linket mangler en del. Åbn hele linket fra SMS’en.',
  pinLabel: 'Skriv koden fra SMS’en',
  pinButton: 'Fortsæt',
  joining: 'Et øjeblik …',
  checkHeading: 'Kan vi se og høre dig?',
  selfView: 'Dig selv',
  parts: { camera: 'Kamera', microphone: 'Mikrofon' },
  checking: 'tjekker …',
  ok: 'i orden',
  problem: (code: string) =>
    code.endsWith('denied')
      ? 'ikke tilladt – giv browseren lov i adresselinjen'
      : code.endsWith('missing')
        ? 'ikke fundet'
        : code.endsWith('busy')
          ? 'bruges af et andet program'
          : code.endsWith('dark')
            ? 'billedet er mørkt'
            : code.endsWith('silent') || code.endsWith('muted')
              ? 'vi hører ingenting'
              : 'tjek den',
  checkAgain: 'Tjek igen',
  ready: 'Jeg er klar',
  blocked: 'Uden mikrofon kan du ikke være med. Giv browseren lov, og tryk “Tjek igen”.',
  waiting: 'Vent – medarbejderen lukker dig ind',
  waitingHelp: 'Hold siden åben. Du kommer med i samtalen, så snart du er lukket ind.',
  asking: (first: string) => `${first || 'Borgeren'} bliver spurgt, om du må være med …`,
  offline: 'Ingen forbindelse – vi prøver igen',
  leave: 'Forlad samtalen',
  audioOnly: 'kun lyd',
  turnedAway: (first: string) => `Du kommer ikke med i samtalen med ${first || 'borgeren'} denne gang.`,
  full: 'Der er allerede fire i samtalen. Prøv igen senere.',
  ended: 'Samtalen er slut. Tak, fordi du var med.',
} as const;
