/**
 * Reference lists the generator draws French-looking data from: names with their accents, towns with their
 * postcodes, job titles, streets. Fictitious combinations of common words; no real person or company.
 */

// prettier-ignore
export const firstNames = [
  'Jean', 'Marie', 'Pierre', 'Sophie', 'Nicolas', 'Isabelle', 'Philippe', 'Nathalie', 'François', 'Catherine',
  'Julien', 'Céline', 'Stéphane', 'Sandrine', 'Sébastien', 'Valérie', 'Frédéric', 'Hélène', 'Jérôme', 'Aurélie',
  'Thomas', 'Camille', 'Léa', 'Chloé', 'Hugo', 'Lucas', 'Louis', 'Emma', 'Inès', 'Zoé', 'Noémie', 'Maël',
  'Gaëlle', 'Benoît', 'Anaïs', 'Raphaël', 'Joël', 'Jérémy', 'Agnès', 'Clément', 'Cécile', 'Loïc', 'Élodie',
  'Françoise', 'Michel', 'Alain', 'Patrick', 'Christine', 'Laurent', 'Olivier', 'Éric', 'Émilie', 'Thérèse',
  'Yannick', 'Gérard', 'Héloïse', 'Adèle', 'Océane', 'Manon', 'Antoine', 'Mathilde', 'Bruno', 'Sylvie',
] as const;

// prettier-ignore
export const lastNames = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon',
  'Laurent', 'Lefèbvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel',
  'Girard', 'André', 'Lefèvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Legrand',
  'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Perrin', 'Morin',
  'Mathieu', 'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Masson', 'Boyer',
  'Barbier', 'Brunet', 'Lemaire', 'Noël', 'Meyer', 'Dufour', 'Giraud', 'Joly', 'Rivière', 'Brun', 'Gaillard',
  'Barré', 'Hervé', 'Lemoine', 'Bouvier', 'Leclerc', 'Prévost', 'Châtelain', 'Féraud', 'Séguin', 'Duchêne',
  'Crépin', 'Benoît', 'Lacroix', 'Marchand', 'Caron', 'Renaud', 'Colin', 'Vidal', 'Aubert', 'Rey', 'Besson',
] as const;

/** [postcode, town]. Postcodes starting with 0 must stay text. */
// prettier-ignore
export const towns = [
  ['75008', 'Paris'], ['75011', 'Paris'], ['75015', 'Paris'], ['69003', 'Lyon'], ['69007', 'Lyon'],
  ['13001', 'Marseille'], ['13008', 'Marseille'], ['31000', 'Toulouse'], ['06000', 'Nice'], ['44000', 'Nantes'],
  ['67000', 'Strasbourg'], ['34000', 'Montpellier'], ['33000', 'Bordeaux'], ['59000', 'Lille'],
  ['35000', 'Rennes'], ['51100', 'Reims'], ['42000', 'Saint-Étienne'], ['76600', 'Le Havre'],
  ['83000', 'Toulon'], ['38000', 'Grenoble'], ['21000', 'Dijon'], ['49000', 'Angers'], ['30000', 'Nîmes'],
  ['69100', 'Villeurbanne'], ['63000', 'Clermont-Ferrand'], ['72000', 'Le Mans'], ['13090', 'Aix-en-Provence'],
  ['29200', 'Brest'], ['37000', 'Tours'], ['80000', 'Amiens'], ['87000', 'Limoges'], ['74000', 'Annecy'],
  ['66000', 'Perpignan'], ['25000', 'Besançon'], ['45000', 'Orléans'], ['57000', 'Metz'], ['76000', 'Rouen'],
  ['68100', 'Mulhouse'], ['14000', 'Caen'], ['54000', 'Nancy'], ['01000', 'Bourg-en-Bresse'],
  ['91000', 'Évry-Courcouronnes'], ['94000', 'Créteil'], ['93200', 'Saint-Denis'],
  ['92100', 'Boulogne-Billancourt'], ['73000', 'Chambéry'], ['29000', 'Quimper'], ['26000', 'Valence'],
  ['64000', 'Pau'], ['17000', 'La Rochelle'], ['34500', 'Béziers'], ['68000', 'Colmar'], ['05000', 'Gap'],
] as const;

// prettier-ignore
export const streets = [
  'rue de la République', 'avenue Jean Jaurès', 'boulevard Victor Hugo', 'rue du Général de Gaulle',
  "place de l'Église", 'rue des Écoles', 'chemin des Vignes', 'allée des Tilleuls', 'rue Pasteur',
  'impasse des Lilas', 'route de Lyon', 'quai des Chartrons', 'rue de Strasbourg', 'avenue de la Gare',
  'rue Émile Zola', 'rue du Faubourg Saint-Honoré', 'ZA des Crêtes', 'rue de la Forêt', 'cours Lafayette',
] as const;

/**
 * Job titles as people type them into a CRM. A few hold a `;` or quotes, which a `;`-delimited export must
 * quote: the reader has to cope.
 */
// prettier-ignore
export const jobTitles = [
  'Directeur général', 'Gérant', 'Gérante', 'Directrice administrative et financière', 'Comptable',
  'Responsable des achats', 'Assistante de direction', 'Directeur commercial', "Chargé d'affaires",
  'Responsable RH', 'Technicien de maintenance', 'Commercial sédentaire', 'Office manager',
  'Responsable informatique', 'Chef de projet', 'Acheteuse', 'Président', 'Responsable logistique',
  'Contrôleur de gestion', 'Responsable qualité', 'Secrétaire', "Ingénieur d'études", "Chef d'équipe",
  'Directeur commercial; export', 'Responsable "grands comptes"', 'DAF; RH', 'Assistant "ADV"',
] as const;

// prettier-ignore
export const mailDomains = [
  'gmail.com', 'orange.fr', 'free.fr', 'laposte.net', 'hotmail.fr', 'wanadoo.fr', 'sfr.fr', 'yahoo.fr',
  'outlook.fr',
] as const;

/** Words companies are named after, by trade. */
export const tradeWords = {
  software: ['Informatique', 'Digital', 'Solutions Web', 'Logiciels', 'Data Conseil'],
  consulting: ['Conseil', 'Stratégie', 'Partenaires', 'Audit & Conseil'],
  accounting: ['Expertise', 'Fiduciaire', 'Audit'],
  retail: ['Alimentation', 'Épicerie', 'Supérette', 'Proxi Marché'],
  shop: ['Boutique', 'Mode', 'Cadeaux', 'Librairie'],
  restaurant: ['Restaurant', 'Brasserie', 'Le Bistrot de', 'Pizzeria', 'Crêperie'],
  hotel: ['Hôtel', 'Hôtel du Parc', 'Auberge'],
  bakery: ['Boulangerie', 'Boulangerie-Pâtisserie', 'Fournil'],
  electrician: ['Électricité', 'Élec Services', 'Installations Électriques'],
  carpentry: ['Menuiserie', 'Charpente', 'Bois & Agencement'],
  building: ['Bâtiment', 'Construction', 'Maçonnerie'],
  garage: ['Garage', 'Auto Services', 'Carrosserie'],
  transport: ['Transports', 'Logistique', 'Express'],
  property: ['SCI', 'Immobilier', 'Patrimoine'],
  health: ['Cabinet médical', 'Centre de santé', 'Cabinet infirmier'],
  hairdresser: ['Coiffure', 'Salon', 'Barbier'],
  engineering: ["Bureau d'études", 'Ingénierie', 'Études Techniques'],
  farming: ['EARL', 'GAEC', 'Domaine'],
  wholesale: ['Distribution', 'Négoce', 'Import Export'],
} as const;
export type Trade = keyof typeof tradeWords;

export const legalForms = ['SARL', 'SAS', 'EURL', 'SASU', 'SA', 'SNC'] as const;

/** Lower case, accents removed: how a name becomes an e-mail address or a web domain. */
export const asciiSlug = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
