/** Given and family names per language for generated demo passengers (common names, no real people). */
export const NAMES: Record<string, { given: readonly string[]; family: readonly string[] }> = {
  en: {
    given: ['James', 'Mary', 'Olivia', 'Noah', 'Emma', 'Liam', 'Ava', 'Ethan', 'Sophia', 'Mason', 'Isabella', 'Lucas', 'Mia', 'Logan', 'Charlotte', 'Henry', 'Amelia', 'Jack', 'Harper', 'Owen', 'Grace', 'Daniel', 'Chloe', 'Ryan', 'Zoe', 'Nathan', 'Hannah', 'Samuel', 'Ella', 'Oliver', 'George', 'Alice', 'Thomas', 'Lily', 'Harry', 'Freya'],
    family: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Jackson', 'White', 'Harris', 'Clark', 'Lewis', 'Walker', 'Hall', 'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson', 'Hill', 'Campbell', 'Evans', 'Roberts', 'Patel', 'Khan', 'Murphy', 'Kelly', 'Cooper'],
  },
  es: {
    given: ['Sofía', 'Mateo', 'Lucía', 'Santiago', 'Valentina', 'Diego', 'Camila', 'Javier', 'Martina', 'Alejandro', 'Elena', 'Pablo', 'Carmen', 'Hugo', 'Paula', 'Daniel', 'Marta', 'Álvaro'],
    family: ['García', 'Martínez', 'López', 'Sánchez', 'Pérez', 'González', 'Rodríguez', 'Fernández', 'Gómez', 'Díaz', 'Moreno', 'Ruiz', 'Hernández', 'Jiménez', 'Álvarez', 'Romero', 'Navarro', 'Torres'],
  },
  fr: {
    given: ['Camille', 'Louis', 'Léa', 'Gabriel', 'Chloé', 'Jules', 'Manon', 'Hugo', 'Inès', 'Arthur', 'Juliette', 'Raphaël', 'Zoé', 'Nathan', 'Élodie', 'Théo', 'Margaux', 'Étienne'],
    family: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garnier', 'Fournier', 'Tremblay', 'Gagnon'],
  },
  de: {
    given: ['Lukas', 'Anna', 'Leon', 'Lena', 'Felix', 'Marie', 'Jonas', 'Laura', 'Paul', 'Julia', 'Maximilian', 'Sophie', 'Tobias', 'Katharina', 'Jan', 'Johanna', 'Moritz', 'Hannah'],
    family: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Braun', 'Zimmermann'],
  },
  nl: {
    given: ['Daan', 'Emma', 'Sem', 'Julia', 'Lucas', 'Tess', 'Milan', 'Sophie', 'Levi', 'Fenna', 'Bram', 'Anna', 'Thijs', 'Sanne', 'Ruben', 'Lotte'],
    family: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters'],
  },
  it: {
    given: ['Francesco', 'Giulia', 'Alessandro', 'Sofia', 'Lorenzo', 'Aurora', 'Matteo', 'Ginevra', 'Leonardo', 'Chiara', 'Marco', 'Francesca', 'Andrea', 'Elisa', 'Giovanni', 'Martina'],
    family: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti', 'De Luca', 'Costa', 'Giordano'],
  },
};

/** E-mail-safe ASCII form of a name part (`Lefèvre` → `lefevre`, `de Jong` → `dejong`). */
export const asciiSlug = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
